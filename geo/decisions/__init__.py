"""Saved decisions: the focus list leadership signs, kept append-only with its config.
"""
