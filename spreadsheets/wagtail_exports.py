"""Every spreadsheet export of the Wagtail admin writes safe cells (spreadsheets/cells.py).

Wagtail's SpreadsheetExportMixin writes the CSV and XLSX exports of every admin listing with a
`list_export` (our Orders, Enrolments, Refunds, Payment events and Microcredentials, and Wagtail's
own reports and form submissions). On both paths it passes each value through
`preprocess_field_value` and each column heading through `get_heading`, so wrapping those two
methods once, at start-up, covers every export, those added later included, with nothing to
remember in each viewset. Wagtail already stores XLSX text as text, but its CSV has no guard, and
an XLSX cell that a person edits, or a sheet saved again as CSV, is read anew: the XLSX gets the
same cells as the CSV, less the control characters an XLSX cannot hold (which made openpyxl
refuse the whole export, a 500, when one learner had one in their name).

The wrapping relies on those two method names and their arguments; `check_hooks()` runs at
start-up and stops the site with a clear error if a Wagtail upgrade changes them, and
tests/spreadsheets/ download every export to prove the cells are safe.
"""

import functools
import inspect

from django.core.exceptions import ImproperlyConfigured

from .cells import safe_cell, safe_xlsx_cell

# The methods wrapped, and the arguments they must take.
HOOKS = {
    "preprocess_field_value": ["self", "field", "value", "export_format"],
    "get_heading": ["self", "queryset", "field"],
}


def export_mixin():
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    return SpreadsheetExportMixin


def check_hooks(mixin):
    for name, arguments in HOOKS.items():
        method = getattr(mixin, name, None)
        found = list(inspect.signature(method).parameters) if callable(method) else None
        if found != arguments:
            raise ImproperlyConfigured(
                f"{mixin.__module__}.{mixin.__qualname__}.{name} is no longer a method taking "
                f"({', '.join(arguments)}) (found {found}): Wagtail changed the hooks that "
                "spreadsheets/wagtail_exports.py wraps to neutralise formulas in admin exports. "
                "Find the new hooks and wrap them before upgrading."
            )


def make_exports_safe(mixin=None):
    """Wrap the mixin's hooks so that every value and heading it exports goes through safe_cell."""
    mixin = mixin or export_mixin()
    check_hooks(mixin)
    if getattr(mixin.preprocess_field_value, "makes_safe_cells", False):
        return  # already wrapped (ready() runs once per process, but tests may call this again)
    preprocess_field_value = mixin.preprocess_field_value
    get_heading = mixin.get_heading

    @functools.wraps(preprocess_field_value)
    def safe_preprocess_field_value(self, field, value, export_format):
        value = preprocess_field_value(self, field, value, export_format)
        return safe_xlsx_cell(value) if export_format == self.FORMAT_XLSX else safe_cell(value)

    @functools.wraps(get_heading)
    def safe_get_heading(self, queryset, field):
        return safe_xlsx_cell(get_heading(self, queryset, field))  # one heading serves CSV and XLSX

    safe_preprocess_field_value.makes_safe_cells = True
    safe_get_heading.makes_safe_cells = True
    mixin.preprocess_field_value = safe_preprocess_field_value
    mixin.get_heading = safe_get_heading
