"""The poverty-pocket map library: boundaries, households, indicators, ranking, pockets, exports.

Nothing here imports Streamlit: a planner's click in the app and a batch job on the command
line (``python -m geo ...``) call the same functions.
"""

import logging

__version__ = "0.1.0"

# a library logs, the application decides where to (``python -m geo`` honours PPM_LOG=INFO)
logging.getLogger(__name__).addHandler(logging.NullHandler())
