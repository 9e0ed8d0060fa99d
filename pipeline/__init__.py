"""Progress management of the city's zero-carbon plan: ingestion and warehouse."""
