"""Scale-out back ends: the household side on a Dask cluster, with the same results.
"""
