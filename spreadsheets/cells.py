"""Cells that a spreadsheet shows as text, never runs (CSV or formula injection).

Excel, LibreOffice and Google Sheets run a cell that starts with = + - or @ as a formula, and may
read past a leading tab or carriage return, or spaces and quotes, to find the sign. A learner's
name or a credential's title is text anyone can type, so each text cell that could start a formula
gets a single quote in front, as OWASP advises (https://owasp.org/www-community/attacks/CSV_Injection):
the spreadsheet shows the text, quote first, and runs nothing. Numbers, Decimals and dates are not
text: they stay values a spreadsheet can add up (a refund of -5.00 is a number, not a formula).
Quotes and commas inside a cell are escaped by the csv module's normal quoting.
"""

import csv
import datetime
from decimal import Decimal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_SIGNS = ("=", "+", "-", "@")
# Control characters a spreadsheet skips in front of a formula; a cell starting with one is
# neutralised whatever follows.
FORMULA_CONTROLS = ("\t", "\r")
QUOTES = "'\""
VALUES = (int, float, Decimal, datetime.date, datetime.time, datetime.timedelta)  # bool is an int


def could_be_a_formula(text):
    if text.startswith(FORMULA_CONTROLS):
        return True
    rest = text.lstrip()
    while rest[:1] and rest[0] in QUOTES:
        rest = rest[1:].lstrip()
    return rest.startswith(FORMULA_SIGNS)


def safe_cell(value):
    """The value as a spreadsheet cell: numbers, dates and None unchanged, anything else as text
    that cannot start a formula."""
    if value is None or isinstance(value, VALUES):
        return value
    text = str(value)
    return "'" + text if could_be_a_formula(text) else text


def safe_xlsx_cell(value):
    """safe_cell(value) for an XLSX sheet: XML cannot hold most control characters, and openpyxl
    refuses a whole workbook over one of them (a learner may type one into their name), so each
    becomes U+FFFD, the replacement character."""
    value = safe_cell(value)
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if isinstance(value, str) else value


class SafeCsvWriter:
    """csv.writer's rows, each cell made safe first (safe_cell)."""

    def __init__(self, writer):
        self._writer = writer

    @property
    def dialect(self):
        return self._writer.dialect

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(file, dialect="excel", **fmtparams):
    """csv.writer(file, …) whose cells never run as formulas: use it for every CSV the site writes."""
    return SafeCsvWriter(csv.writer(file, dialect, **fmtparams))
