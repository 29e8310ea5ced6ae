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


def _listen_like_a_production_server():
    """The live test server listens with Django's development backlog of 10 waiting connections, so
    a burst of 40 concurrent requests (tests/checkout/test_concurrency.py) would have some reset by
    the kernel before the application sees them; production servers listen with a backlog of
    hundreds (gunicorn: 2048). Set before any live server starts (this module is imported at
    collection)."""
    from django.core.servers.basehttp import WSGIServer

    WSGIServer.request_queue_size = 128


_listen_like_a_production_server()
