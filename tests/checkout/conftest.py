import pytest
from django.contrib.auth import get_user_model

from checkout.models import OrderEventKind
from tests.builders import make_paid_course


def review_notes(order):
    """Why the order was flagged for staff, oldest first (each flag is a row in its history)."""
    return list(order.history.filter(kind=OrderEventKind.FLAGGED).values_list("note", flat=True))


@pytest.fixture
def learner(db):
    return get_user_model().objects.create_user(email="ana@example.org", password="x")


@pytest.fixture
def course(stripe_settings, partner, framework):
    return make_paid_course(partner, framework)
