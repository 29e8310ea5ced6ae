"""Credit hours as people read them: "3", not the stored Decimal's "3.0"; 1.5 stays 1.5.

Pages print them through the `credit_hours` filter (catalog_tags), order lines (checkout) through
credit_hours_phrase(), so an order line says "3 credit hours" where the page says 3. Like
catalog/money.py, it imports nothing of the app, so checkout can use it.
"""

from decimal import Decimal


def format_credit_hours(value):
    """3 rather than 3.0; 1.5 stays 1.5; "" for none."""
    if value is None:
        return ""
    value = Decimal(value)
    return f"{value:.0f}" if value == value.to_integral_value() else f"{value.normalize()}"


def credit_hours_phrase(value):
    """ "3 credit hours", "1 credit hour", "1.5 credit hours"; "credit hours" when not set."""
    if value is None:
        return "credit hours"
    number = format_credit_hours(value)
    return f"{number} credit hour{'' if Decimal(value) == 1 else 's'}"
