"""The illustrative demo plan: master and department workbooks, loaded through pipeline.load.
May import every library layer below the dashboard; never Streamlit."""
