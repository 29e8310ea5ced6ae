"""Conversions at the payment boundary: Decimal dollars in the domain, integer cents for Stripe."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_cents(amount):
    if not isinstance(amount, Decimal):
        raise TypeError("Money must be a Decimal, never a float.")
    return int((amount.quantize(CENT, rounding=ROUND_HALF_UP) * 100).to_integral_value())
