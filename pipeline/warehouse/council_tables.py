"""Tables of the council's and the public's opinions (pipeline.council writes them).

Here, in the warehouse layer, so that every warehouse has them from its first
open (the PDCA page counts opinions, editions snapshot them) whether or not
anything has been recorded yet.  The tables are internal, not part of the
data contract.

`source` (意見の区分) and `published` (公表) came with issue 12: an existing
warehouse gains them with ALTER … ADD COLUMN IF NOT EXISTS, its opinions
become 環境審議会 opinions and, as before, are shown in the report.
"""
from __future__ import annotations

from pipeline.ingest import contract as c
from pipeline.warehouse import schema

TABLES_SQL = f"""
CREATE TABLE IF NOT EXISTS council_opinions (
    opinion_id INTEGER PRIMARY KEY, fiscal_year INTEGER, level VARCHAR, target_code VARCHAR,
    opinion_text VARCHAR, response_text VARCHAR, response_at TIMESTAMP, response_by VARCHAR,
    recorded_at TIMESTAMP, recorded_by VARCHAR);
ALTER TABLE council_opinions ADD COLUMN IF NOT EXISTS source VARCHAR DEFAULT '{c.OPINION_SOURCE_COUNCIL}';
ALTER TABLE council_opinions ADD COLUMN IF NOT EXISTS published BOOLEAN DEFAULT TRUE;
ALTER TABLE council_opinions ADD COLUMN IF NOT EXISTS received_on DATE;
ALTER TABLE council_opinions ADD COLUMN IF NOT EXISTS reference_no VARCHAR;
CREATE TABLE IF NOT EXISTS council_followups (
    opinion_id INTEGER, status_year INTEGER, status VARCHAR, note VARCHAR,
    recorded_at TIMESTAMP, recorded_by VARCHAR);
CREATE TABLE IF NOT EXISTS council_cycle (
    fiscal_year INTEGER PRIMARY KEY, report_published DATE, council_reviewed DATE,
    recorded_at TIMESTAMP, recorded_by VARCHAR);
"""

#: The tables an edition snapshots (their rows as of freezing).
COUNCIL_TABLES = ("council_opinions", "council_followups", "council_cycle")

schema.DDL_PARTS.append(TABLES_SQL)
