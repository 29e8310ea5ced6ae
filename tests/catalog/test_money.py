"""Amounts are printed one way everywhere: format_money(), which the `money` template filter calls."""

from decimal import Decimal

import pytest

from catalog.money import format_money
from catalog.templatetags.catalog_tags import money


@pytest.mark.parametrize(
    "amount, shown",
    [
        (Decimal("25.00"), "$25"),
        (Decimal("25.50"), "$25.50"),
        (Decimal("1250"), "$1,250"),
        (Decimal("0.00"), "Free"),
        ("425.00", "$425"),  # amounts kept as strings, e.g. in the audit log's data
        (None, ""),
    ],
)
def test_format_money_and_the_template_filter_agree(amount, shown):
    assert format_money(amount) == shown and money(amount) == shown
