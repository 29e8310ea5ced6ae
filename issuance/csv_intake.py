"""Completions from a CSV file: read it, check every row, then apply the good rows in one transaction.

The admin's upload (issuance/admin/uploads.py) shows check_rows()'s verdict on every row before
anything is written, and on confirmation runs the whole check again on the same file (kept on the
server, never round-tripped through the browser) before apply_rows(). Rows are checked with the
API's rules (intake.py), and applied through services.record_completion(), so a completion that
already exists, by any route, is skipped rather than repeated.

The file: UTF-8 (a spreadsheet's "CSV UTF-8"; a byte-order mark is fine), a header row naming
the columns learner_email, credential_code, result, completed_on (any order and capitalisation,
spaces for underscores; other columns are ignored), dates as YYYY-MM-DD.
"""

import csv
import io
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from catalog.models import MicrocredentialPage
from checkout.models import Enrolment, EnrolmentStatus

from .enrolment_completions import current_completion, with_current_completion
from .intake import (
    CODE_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    FIELDS,
    RESULT_MAX_LENGTH,
    check_text,
    parse_completion_date,
)
from .models import CompletionSource
from .services import CompletionError, record_completion

MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000
SAMPLE = (
    "learner_email,credential_code,result,completed_on\r\n"
    "ada.lovelace@example.org,ASU-BDA-110,Pass,2026-11-20\r\n"
    "grace.hopper@example.org,ASU-BDA-110,92%,2026-11-21\r\n"
)


class CsvFileError(Exception):
    """The file as a whole cannot be read; the message says what to fix."""


READY, SKIPPED, ERROR = "ready", "skipped", "error"
COMPLETED = "completed"


@dataclass
class Row:
    number: int  # the row number a spreadsheet shows: the header is row 1
    values: dict
    status: str = READY
    email: str | None = None  # as checked and normalised, when valid
    code: str | None = None
    messages: list = field(default_factory=list)
    enrolment: Enrolment | None = None
    result: str = ""
    completed_on: object = None

    @property
    def message(self):
        return " ".join(self.messages)

    def fail(self, message):
        self.status = ERROR
        self.messages.append(message)


def header_name(text):
    return "_".join(text.strip().lower().replace("-", " ").split())


def read_csv(data):
    """(rows as (number, {field: text}), ignored column names) from the file's bytes."""
    if len(data) > MAX_BYTES:
        raise CsvFileError(f"The file is larger than {MAX_BYTES // 1024} KB; split it into smaller files.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvFileError(
            "The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8 (comma delimited)”."
        ) from None
    if "\x00" in text:
        raise CsvFileError(
            "The file holds NUL characters, so it is not a CSV file. Is it a spreadsheet (.xlsx)?"
        )
    if not text.strip():
        raise CsvFileError("The file is empty.")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = list(enumerate(reader, start=1))
    except csv.Error as error:
        raise CsvFileError(f"The file is not valid CSV near row {reader.line_num}: {error}.") from None
    records = [(number, cells) for number, cells in records if any(cell.strip() for cell in cells)]
    if not records:
        raise CsvFileError("The file is empty.")
    _, header = records[0]
    names = [header_name(cell) for cell in header]
    expected = ", ".join(FIELDS)
    missing = [name for name in FIELDS if name not in names]
    if missing:
        raise CsvFileError(
            f"The first row must name the columns {expected}; missing: {', '.join(missing)}. "
            "Download the sample file to see the layout."
        )
    repeated = sorted({name for name in names if name in FIELDS and names.count(name) > 1})
    if repeated:
        raise CsvFileError(f"The first row names {', '.join(repeated)} more than once.")
    rows = records[1:]
    if not rows:
        raise CsvFileError("The file has a header row but no completions under it.")
    if len(rows) > MAX_ROWS:
        raise CsvFileError(f"The file has {len(rows)} rows; at most {MAX_ROWS} fit in one upload. Split it.")
    positions = {name: names.index(name) for name in FIELDS}
    ignored = [
        cell.strip() for cell, name in zip(header, names, strict=True) if name not in FIELDS and cell.strip()
    ]
    parsed = [
        (number, {name: (cells[i] if i < len(cells) else "") for name, i in positions.items()})
        for number, cells in rows
    ]
    return parsed, ignored


def check_rows(parsed):
    """Every row with its verdict: ready, skipped (already completed) or error, and why.

    Learners, credentials and enrolments are looked up in a few queries for the whole file.
    """
    rows = [Row(number, values) for number, values in parsed]
    User = get_user_model()
    for row in rows:
        try:
            row.email = User.objects.normalize_email(
                check_text(
                    row.values["learner_email"], "learner_email", EMAIL_MAX_LENGTH, "The learner email"
                )
            )
        except CompletionError as error:
            row.fail(error.message)
        try:
            row.code = check_text(
                row.values["credential_code"], "credential_code", CODE_MAX_LENGTH, "The credential code"
            ).upper()
        except CompletionError as error:
            row.fail(error.message)
        try:
            row.result = check_text(row.values["result"], "result", RESULT_MAX_LENGTH, "The result")
        except CompletionError as error:
            row.fail(error.message)
        try:
            row.completed_on = parse_completion_date(row.values["completed_on"])
        except CompletionError as error:
            row.fail(error.message)

    learners = {
        user.email: user for user in User.objects.filter(email__in={row.email for row in rows if row.email})
    }
    credentials = {
        page.short_code: page
        for page in MicrocredentialPage.objects.filter(short_code__in={row.code for row in rows if row.code})
    }
    enrolments = {
        (e.user_id, e.microcredential_id): e
        for e in with_current_completion(
            Enrolment.objects.filter(
                user__in=learners.values(), microcredential__in=credentials.values()
            ).select_related("user", "microcredential")
        )
    }

    first_row_of = {}
    for row in rows:
        if row.email and row.code:
            key = (row.email, row.code)
            if key in first_row_of:
                row.fail(f"The same learner and credential as row {first_row_of[key]}: only that row counts.")
                continue
            first_row_of[key] = row.number
        learner = learners.get(row.email) if row.email else None
        credential = credentials.get(row.code) if row.code else None
        if row.email and learner is None:
            row.fail("No learner with this email address.")
        if row.code and credential is None:
            row.fail("No credential with this code.")
        if row.status == ERROR or learner is None or credential is None:
            continue
        row.enrolment = enrolments.get((learner.pk, credential.pk))
        completion = current_completion(row.enrolment)
        if row.enrolment is None:
            row.fail(f"{learner.email} is not enrolled in {credential.short_code}.")
        elif completion is not None:
            row.status = SKIPPED
            row.messages.append(
                f"Already completed ({completion.result or 'no result'}, {completion.completed_on:%Y-%m-%d}, "
                f"{completion.get_source_display()}), skipped."
            )
        elif row.enrolment.status == EnrolmentStatus.REVOKED:
            row.fail("This enrolment was refunded, so it cannot be completed.")
    return rows


def apply_rows(rows, reported_by):
    """Complete every ready row, in one transaction; each row's status says what became of it."""
    with transaction.atomic():
        for row in rows:
            if row.status != READY:
                continue
            try:
                _, created = record_completion(
                    row.enrolment,
                    result=row.result,
                    completed_on=row.completed_on,
                    source=CompletionSource.CSV,
                    reported_by=reported_by,
                )
            except CompletionError as error:  # changed since the check, e.g. refunded meanwhile
                row.fail(error.message)
                continue
            if created:
                row.status = COMPLETED
                row.messages = ["Completed."]
            else:
                row.status = SKIPPED
                row.messages = ["Already completed meanwhile, skipped."]
    return rows


def summary(rows):
    counts = {READY: 0, SKIPPED: 0, ERROR: 0, COMPLETED: 0}
    for row in rows:
        counts[row.status] += 1
    return counts
