"""The Kemendagri code table shipped with the project: names of every level, codes across years."""
