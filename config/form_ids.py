"""Every form choosing rows by id refuses an id no row can have, as an invalid choice.

Django's ModelChoiceField and ModelMultipleChoiceField (behind every admin listing filter over a
foreign key or a many-to-many: Orders by credential, Enrolments by credential, issuer endpoints
by partner, Wagtail's own filters) hand the submitted id to the database as it is. A number past
the id column's range (e.g. `?microcredential=99999999999999999999`) is an OverflowError in
SQLite's driver, a 500; PostgreSQL merely finds no row. Checked here, before the query, it is
"Select a valid choice" on both, as any id that no row has. Wrapped once at start-up (from
config/urls.py, as the `dbid` converter is registered), so no filter can forget it;
`check_methods()` stops the start if a Django upgrade renames what is wrapped.
"""

import functools
import inspect

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connections, router
from django.forms.models import ModelChoiceField, ModelMultipleChoiceField

WRAPPED = {
    (ModelChoiceField, "to_python"): ["self", "value"],
    (ModelMultipleChoiceField, "_check_values"): ["self", "value"],
}


def check_methods():
    for (cls, name), arguments in WRAPPED.items():
        method = getattr(cls, name, None)
        found = list(inspect.signature(method).parameters) if callable(method) else None
        if found != arguments:
            raise ImproperlyConfigured(
                f"django.forms.models.{cls.__name__}.{name} is no longer a method taking "
                f"({', '.join(arguments)}) (found {found}): config/form_ids.py wraps it so that an "
                "out-of-range id is an invalid choice, not a 500. Adapt it before upgrading."
            )


def id_range(choice_field):
    """(lowest, highest) value the field's key column holds, or None if it is not an integer."""
    model = choice_field.queryset.model
    key = choice_field.to_field_name
    field = model._meta.get_field(key) if key else model._meta.pk
    while field.is_relation:  # a parent link (a page's page_ptr) or a key to another row
        field = field.target_field
    connection = connections[router.db_for_read(model)]
    internal_type = field.get_internal_type()
    if internal_type not in connection.ops.integer_field_ranges:
        return None
    return connection.ops.integer_field_range(internal_type)


def out_of_range(choice_field, value):
    """True for an integer (as sent: text or a number) no row of the field's model can have."""
    if isinstance(value, bool):
        return False
    if isinstance(value, str):
        text = value.strip()
        if not (text.isascii() and text.lstrip("-").isdigit()):
            return False  # not an integer: Django's own checks answer it
        value = int(text)
    elif not isinstance(value, int):
        return False
    bounds = id_range(choice_field)
    if bounds is None:
        return False
    lowest, highest = bounds
    return (lowest is not None and value < lowest) or (highest is not None and value > highest)


def refuse_out_of_range_ids():
    check_methods()
    if getattr(ModelChoiceField.to_python, "refuses_out_of_range_ids", False):
        return  # already wrapped
    to_python = ModelChoiceField.to_python
    check_values = ModelMultipleChoiceField._check_values

    @functools.wraps(to_python)
    def checked_to_python(self, value):
        if value not in self.empty_values and out_of_range(self, value):
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return to_python(self, value)

    @functools.wraps(check_values)
    def checked_values(self, value):
        if isinstance(value, list | tuple | set | frozenset):
            for pk in value:
                if out_of_range(self, pk):
                    raise ValidationError(
                        self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                    )
        return check_values(self, value)

    checked_to_python.refuses_out_of_range_ids = True
    ModelChoiceField.to_python = checked_to_python
    ModelMultipleChoiceField._check_values = checked_values


refuse_out_of_range_ids()
