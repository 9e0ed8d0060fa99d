"""SMTP fixtures for the notify tests (tests/smtp_fixtures.py)."""
from tests.smtp_fixtures import smtp_server, tls_smtp_server  # noqa: F401
