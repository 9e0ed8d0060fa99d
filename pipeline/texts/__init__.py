"""Japanese user-facing strings, one module per area (validation, dashboard, …).
Code never scatters Japanese literals: it imports them from here; texts may import only
pipeline.ingest.contract (the words of the contract)."""
