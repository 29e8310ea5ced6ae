"""safe_cell: text that could start a formula gets a leading single quote; values stay values."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import lazy
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from spreadsheets.cells import csv_writer, safe_cell, safe_xlsx_cell
from spreadsheets.wagtail_exports import check_hooks, make_exports_safe

FORMULAS = [
    "=1+1",
    '=HYPERLINK("http://evil.example","x")',
    "+1",
    "-1",
    "-2+3",
    "@SUM(A1:A9)",
    "\tx",
    "\rx",
    "\t",
    # Spreadsheets skip these in front of a sign:
    " =1+1",
    "  +1",
    "\n=1",
    "\u00a0-1",
    "'=1+1",
    '"=1+1',
    " ' \" @SUM(A1)",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_text_that_could_start_a_formula_gets_a_leading_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "text", ["Ana", "", "   ", "1+1", "a=b", "Ana-Maria", "x@example.org", "'quoted'", '"quoted"', "25.00"]
)
def test_other_text_is_unchanged(text):
    assert safe_cell(text) == text


@pytest.mark.parametrize(
    "value",
    [
        0,
        42,
        -5,
        -2.5,
        Decimal("-5.00"),
        Decimal("25.00"),
        True,
        datetime.date(2025, 1, 31),
        datetime.datetime(2025, 1, 31, 12, 30, tzinfo=datetime.UTC),
        datetime.time(9, 15),
        datetime.timedelta(hours=-1),
        None,
    ],
)
def test_numbers_dates_and_none_stay_values(value):
    cell = safe_cell(value)
    assert cell is value


def test_anything_else_becomes_its_text_made_safe():
    class Learner:
        def __str__(self):
            return "=1+1"

    assert safe_cell(Learner()) == "'=1+1"
    assert safe_cell(lazy(lambda: "@SUM(A1)", str)()) == "'@SUM(A1)"
    assert safe_cell(["a"]) == "['a']"


def test_csv_writer_writes_safe_cells_with_normal_quoting():
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(['=HYPERLINK("http://evil.example","x")', 'say "hi", ok', Decimal("-5.00"), 3, None])
    writer.writerows([["+1", "@x"], ["plain", datetime.date(2025, 1, 31)]])
    text = out.getvalue()
    assert text.splitlines()[0] == '"\'=HYPERLINK(""http://evil.example"",""x"")","say ""hi"", ok",-5.00,3,'
    assert list(csv.reader(io.StringIO(text))) == [
        ['\'=HYPERLINK("http://evil.example","x")', 'say "hi", ok', "-5.00", "3", ""],
        ["'+1", "'@x"],
        ["plain", "2025-01-31"],
    ]


def test_xlsx_cells_lose_the_control_characters_xml_cannot_hold():
    assert safe_xlsx_cell("Ana\x01\x1f") == "Ana\ufffd\ufffd"
    assert safe_xlsx_cell("\t=1\nx") == "'\t=1\nx"  # tab and line feed are allowed
    assert safe_xlsx_cell(Decimal("-5.00")) == Decimal("-5.00")


# --- the Wagtail admin's exports (tests/spreadsheets/test_exports.py downloads them) ---


def test_wagtails_export_hooks_are_wrapped_at_start_up():
    assert SpreadsheetExportMixin.preprocess_field_value.makes_safe_cells
    assert SpreadsheetExportMixin.get_heading.makes_safe_cells
    wrapped = SpreadsheetExportMixin.preprocess_field_value
    make_exports_safe()  # a second call wraps nothing twice
    assert SpreadsheetExportMixin.preprocess_field_value is wrapped


def test_values_and_headings_of_any_admin_export_are_safe():
    class Export(SpreadsheetExportMixin):
        list_export = ["name", "amount"]
        export_headings = {"name": "=Name"}

    view = Export()
    for export_format in Export.FORMATS:
        assert view.preprocess_field_value("name", "@SUM(A1)", export_format) == "'@SUM(A1)"
        assert view.preprocess_field_value("amount", Decimal("-5.00"), export_format) == Decimal("-5.00")
    assert view.get_heading(None, "name") == "'=Name"


def test_a_wagtail_that_renamed_or_changed_the_hooks_stops_the_site():
    class Renamed:
        def preprocess_value(self, field, value, export_format): ...

        def get_heading(self, queryset, field): ...

    class Changed:
        def preprocess_field_value(self, field, value, export_format, extra): ...

        def get_heading(self, queryset, field): ...

    for mixin in (Renamed, Changed):
        with pytest.raises(ImproperlyConfigured, match="preprocess_field_value"):
            check_hooks(mixin)
    check_hooks(SpreadsheetExportMixin)  # the installed Wagtail has them
