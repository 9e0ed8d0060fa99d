"""Show: the Streamlit glue only (shell, sidebar filters, cached queries, chart blocks, sign-in box).
The only layer below app.py and pages/ that imports Streamlit; it may import every layer."""
