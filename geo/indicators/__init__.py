"""Stage 4, indicators: per-village counts and shares, the Alkire-Foster MPI and
programme-targeting figures.
"""
