from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from checkout.models import OrderEventKind
from tests.builders import make_credential


def review_notes(order):
    """Why the order was flagged for staff, oldest first (each flag is a row in its history)."""
    return list(order.history.filter(kind=OrderEventKind.FLAGGED).values_list("note", flat=True))


def make_paid_course(partner, framework, **extra):
    """A $25 credential whose credit conversion costs $400 (ASU's Universal Learner model)."""
    return make_credential(
        partner,
        framework[1][:1],
        title="Spreadsheets for Business",
        price=Decimal("25.00"),
        credit_eligible=True,
        credit_hours=Decimal("3"),
        credit_conversion_fee=Decimal("400.00"),
        credit_granting_institution=partner,
        **extra,
    )


@pytest.fixture
def learner(db):
    return get_user_model().objects.create_user(email="ana@example.org", password="x")


@pytest.fixture
def course(stripe_settings, partner, framework):
    return make_paid_course(partner, framework)
