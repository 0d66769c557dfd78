"""Shared foundations of every stage: the project error, village codes, CRS helpers,
personal-data detection and file fingerprints.
"""
