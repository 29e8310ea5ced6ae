from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def dollars(amount):
    """Accounting amounts: always the cents, "$0.00" rather than "Free", a minus sign for
    money going back ("−$25.00"). Prices on the public site use catalog's format_money()."""
    if amount is None or amount == "":
        return ""
    amount = Decimal(amount)
    text = f"${abs(amount):,.2f}"
    return f"\u2212{text}" if amount < 0 else text


@register.filter
def percent(value):
    """62.50 → "62.5%", 60.00 → "60%"."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value).normalize():f}%"
