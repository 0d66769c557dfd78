"""The synthetic demo region shipped in ``data/boundaries/``.
"""
