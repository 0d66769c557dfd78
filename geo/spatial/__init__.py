"""Stage 6, spatial: poverty pockets (kantong kemiskinan) from the village neighbour graph,
and the pilot-area view.
"""
