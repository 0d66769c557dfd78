"""Stage 2, households: read a household registry into the canonical household table,
dropping personal data first, and derive the deprivation flags.
"""
