"""Stage 3, join: place every household row in a village (by code or location) and
account for every row in the reconciliation.
"""
