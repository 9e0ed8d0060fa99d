"""Suite-wide settings.

The read-only copy for other tools (pipeline/warehouse/readonly.py) is refreshed after
every write; most tests write to throw-away warehouses and never look at it, so the suite
turns the automatic refresh off here (subprocesses inherit it).  tests/warehouse/
test_readonly.py and the tests of the copy turn it back on for themselves.
"""
import os

os.environ.setdefault("PDCA_READONLY_COPY", "off")
