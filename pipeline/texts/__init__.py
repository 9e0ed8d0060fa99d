"""Japanese user-facing strings, one module per area (validation, dashboard, …).

Code never scatters Japanese literals: it imports them from here.
"""
