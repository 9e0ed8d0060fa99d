"""Reminders of the yearly round: one message per department whose FY workbook is missing
or incomplete (analysis.completeness), written as .eml files or sent through SMTP.

A department without 連絡先メール still gets its message (without To:, for HQ to address
by hand) and is listed in `without_email`; it is never sent.  Every sending attempt is
audited (who, when, to whom, and whether the server accepted it).
"""
from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from pathlib import Path

from pipeline.analysis import completeness
from pipeline.analysis.completeness import DepartmentGaps
from pipeline.notify import mail
from pipeline.notify.smtp import Delivery, SmtpConfig, send_messages
from pipeline.texts import round as txt
from pipeline.warehouse import round as wround
from pipeline.warehouse import store
from pipeline.warehouse.schema import connect

ENV_APP_URL = "PDCA_APP_URL"


class NoDeadline(ValueError):
    """Reminders name the deadline: there must be one (Japanese message)."""


@dataclass(frozen=True)
class Reminder:
    gaps: DepartmentGaps
    message: EmailMessage

    @property
    def to(self) -> str | None:
        return self.gaps.email

    @property
    def file_name(self) -> str:
        return f"{self.message['X-PDCA-Year']}_{self.gaps.department_code}.eml"

    def as_bytes(self) -> bytes:
        return mail.to_bytes(self.message)


@dataclass
class ReminderRound:
    fiscal_year: int
    deadline: date
    reminders: list[Reminder] = field(default_factory=list)

    @property
    def without_email(self) -> list[DepartmentGaps]:
        return [r.gaps for r in self.reminders if not r.to]

    @property
    def addressed(self) -> list[Reminder]:
        return [r for r in self.reminders if r.to]


def template_url(explicit: str | None = None) -> str | None:
    """Where departments download the pre-filled template: the app's 提出 page when the
    app's address is known (PDCA_APP_URL), else None (the text names the page)."""
    base = explicit or os.environ.get(ENV_APP_URL)
    return base.rstrip("/") + "/upload" if base else None


def compose_reminder(gaps: DepartmentGaps, fiscal_year: int, deadline: date, today: date, *,
                     sender: str | None = None, app_url: str | None = None) -> EmailMessage:
    subject = txt.reminder_subject(fiscal_year, deadline, gaps.submitted)
    body = txt.reminder_body(
        fy=fiscal_year, department_name=gaps.department_name, deadline=deadline,
        days_left=completeness.days_left(deadline, today), submitted=gaps.submitted,
        actions=gaps.actions, indicators=gaps.indicators, facilities=gaps.facilities,
        template_url=template_url(app_url), sender=txt.DEFAULT_SENDER_NAME)
    msg = mail.compose(subject=subject, body=body, to=gaps.email,
                       sender=sender or txt.DEFAULT_FROM, sender_name=txt.DEFAULT_SENDER_NAME)
    msg["X-PDCA-Year"] = str(int(fiscal_year))
    msg["X-PDCA-Department"] = gaps.department_code
    return msg


def build_round(con, fiscal_year: int, today: date, *, priority: bool = False,
                sender: str | None = None, app_url: str | None = None,
                department: str | None = None) -> ReminderRound:
    """The reminders of the FY (raises NoDeadline when HQ has not set one); `department`
    limits them to one department (the page's 所管課 filter)."""
    found = wround.get_deadline(con, fiscal_year)
    if found is None:
        raise NoDeadline(txt.no_deadline_for_remind(fiscal_year))
    gaps = completeness.to_remind(completeness.department_gaps(con, fiscal_year, priority, department))
    out = ReminderRound(int(fiscal_year), found.deadline)
    for g in gaps:
        out.reminders.append(Reminder(g, compose_reminder(g, fiscal_year, found.deadline, today,
                                                          sender=sender, app_url=app_url)))
    return out


def write_eml(batch: ReminderRound, out_dir: str | os.PathLike) -> list[Path]:
    """Write the round's .eml files; earlier reminders of the same FY in the folder that are
    no longer due (the department has since submitted) are removed, so none is sent twice."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    wanted = {r.file_name for r in batch.reminders}
    for old in out.glob(f"{batch.fiscal_year}_*.eml"):
        if old.name not in wanted:
            old.unlink()
    paths = []
    for r in batch.reminders:
        path = out / r.file_name
        path.write_bytes(r.as_bytes())
        paths.append(path)
    return paths


def zip_bytes(batch: ReminderRound) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for r in batch.reminders:
            z.writestr(r.file_name, r.as_bytes())
    return buf.getvalue()


def send_round(db, batch: ReminderRound, config: SmtpConfig, actor: str, *,
               tls_context=None) -> list[tuple[Reminder, Delivery]]:
    """Send every addressed reminder; audit each attempt.  Raises SmtpError (nothing sent)
    when the server cannot be reached or refuses the sign-in."""
    addressed = batch.addressed
    if not addressed:
        return []
    by_id = {id(r.message): r for r in addressed}
    results: list[tuple[Reminder, Delivery]] = []

    def record(msg, delivery: Delivery) -> None:
        reminder = by_id[id(msg)]
        results.append((reminder, delivery))
        with connect(db, write=True) as con:
            store.audit(con, actor, "reminder_sent" if delivery.sent else "reminder_failed",
                        delivery.to, {"fiscal_year": batch.fiscal_year,
                                      "department_code": reminder.gaps.department_code,
                                      "server": config.server,
                                      "message_id": str(msg.get("Message-ID") or ""),
                                      "error": delivery.error})

    send_messages(config, [r.message for r in addressed], on_sent=record, tls_context=tls_context)
    return results


def reminder_zip(db, fiscal_year: int, today: date, priority: bool = False,
                 sender: str | None = None, department: str | None = None) -> bytes:
    """The FY's reminders as one zip of .eml files (the 提出状況 page's download)."""
    with connect(db) as con:
        return zip_bytes(build_round(con, fiscal_year, today, priority=priority, sender=sender,
                                     department=department))


def send_round_as(db, fiscal_year: int, today: date, config: SmtpConfig, user, *,
                  priority: bool = False, department: str | None = None, tls_context=None) -> tuple[ReminderRound, list[tuple[Reminder, Delivery]]]:
    """The page's send: HQ only (checked here), the round built afresh, each attempt audited."""
    from pipeline.access import auth
    actor = auth.require_role(user, auth.ROLE_HQ).username
    with connect(db) as con:
        batch = build_round(con, fiscal_year, today, priority=priority, sender=config.sender,
                            department=department)
    return batch, send_round(db, batch, config, actor, tls_context=tls_context)
