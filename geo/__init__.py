"""The poverty-pocket map library: boundaries, households, indicators, ranking, pockets, exports.

Nothing here imports Streamlit: a planner's click in the app and a batch job on the command
line (``python -m geo ...``) call the same functions.
"""

__version__ = "0.1.0"
