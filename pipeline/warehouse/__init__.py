"""Store: the DuckDB schema and contract views, transactional writes, backups, provenance, audit.
May import pipeline.ingest (the contract and the validated shapes) and pipeline.texts."""
