"""`python -m pipeline …`: thin argparse shells over the library, one module per command group.
May import every library layer; never Streamlit."""
