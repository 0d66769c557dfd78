"""The Streamlit side of the app: session state, the map widget and uploads (never imported by ``geo``)."""
