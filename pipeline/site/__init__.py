"""The public site (公表): static HTML/CSS pages, SVG charts and open data for one FY.

An output layer beside report/: it reads the warehouse through analysis/ and report/
and writes plain files (build.py); no Streamlit.
"""
