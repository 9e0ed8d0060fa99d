"""Ask and draw: the named query functions over the contract views and their Altair charts,
one module per topic.  May import warehouse, ingest.contract and texts; never Streamlit."""
