"""Who may do what: accounts and roles, the upload flow and its diff against the active version.
May import load, warehouse, ingest and texts; never Streamlit."""
