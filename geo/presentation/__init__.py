"""Stage 7, presentation: what the screen and print share - formatting, styles,
classification, the web map and the printed map, language.
"""
