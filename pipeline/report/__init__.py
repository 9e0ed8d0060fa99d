"""The annual report (年次報告書): its data from the analysis queries, rendered as PDF and XLSX.
May import analysis, council, warehouse, ingest.contract and texts; never Streamlit."""
