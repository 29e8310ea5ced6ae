"""Money as people read it: the one display format for prices and amounts.

Pages, the emailed receipt and the admin all print amounts through format_money() (templates
through the `money` filter in catalog_tags, which calls it), so "$25" on a credential page is
"$25" on the receipt and in the refund form. Machine formats are a different thing and stay
where they are: the JSON API and its CSV (search/serializers.py) and schema.org prices
(catalog/structured_data.py) give "25.00", and the admin's CSV exports give the stored Decimal,
so programs and spreadsheets can read them as numbers.

This module imports nothing from Django or the app, so any app (checkout included) can use it
without loading catalog's template tags.
"""

from decimal import Decimal


def format_money(amount):
    """$25, $25.50, $1,250, or "Free" for 0 — amounts read like a shop's; "" for no amount."""
    if amount is None:
        return ""
    amount = Decimal(amount)
    if amount == 0:
        return "Free"
    if amount == amount.to_integral_value():
        return f"${amount:,.0f}"
    return f"${amount:,.2f}"
