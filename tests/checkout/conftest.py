import pytest
from django.contrib.auth import get_user_model

from tests.builders import make_paid_course


@pytest.fixture
def learner(db):
    return get_user_model().objects.create_user(email="ana@example.org", password="x")


@pytest.fixture
def course(stripe_settings, partner, framework):
    return make_paid_course(partner, framework)
