"""Stage 5, ranking: score villages from the config, choose the focus list (lokus) and
measure how robust it is to the weights.
"""
