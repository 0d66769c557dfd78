"""The stages run in order: ``analyse`` (read -> join -> indicators -> rank -> pockets),
``rescore`` and the ``rank`` command's outputs, plus where the app's input files come from.
"""
