"""Progress management of the city's zero-carbon plan, as layers along the data flow:

    ingest/    read and check workbooks (contract, reader, normalise, validate, template)
    warehouse/ store: DuckDB schema and views, transactional writes, backup, provenance, audit
    load.py    file → validated submission → warehouse (shared by CLI, upload page, demo)
    analysis/  ask: named query functions and Altair charts, one module per topic
    access/    accounts, roles, the upload flow and its diff
    council.py the council's opinions, responses and follow-up
    report/    the annual report: data, PDF, XLSX
    notify/    e-mail out: reminders as RFC 5322 .eml files and through SMTP
    dashboard/ show: Streamlit glue only
    demo/      the illustrative plan and workbooks
    cli/       `python -m pipeline …`
    texts/     Japanese strings

Imports point down this list (texts and ingest.contract are importable from anywhere).
"""
