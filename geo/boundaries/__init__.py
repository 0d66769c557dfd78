"""Stage 1, boundaries: read village boundary files into the canonical village layer,
check its quality and cache it by content.
"""
