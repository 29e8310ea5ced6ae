"""Admin listings given an id no database row can have (past 2^63 - 1, the largest bigint) in a
filter or a URL: a clear answer (the filter refuses the choice, or a 404), never a 500. SQLite
raises OverflowError for such a number and PostgreSQL an out-of-range error, so both engines run
this."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

import config.form_ids  # noqa: F401  (loaded with the URLconf in a server; here explicitly, for the form test)

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # > 2^64
JUST_PAST = str(2**63)


@pytest.fixture
def staff(site_tree):
    user = get_user_model().objects.create_superuser(email="root@example.edu", password="pw")
    client = Client()
    client.force_login(user)
    return client


LISTINGS = [
    ("orders:index", ["lines__microcredential", "user", "id"]),
    ("enrolments:index", ["microcredential", "user", "learner", "order", "id"]),
    ("refunds:index", ["order", "created_by"]),
    ("payment_events:index", ["id"]),
    ("complete_enrolments:index", ["microcredential", "partner", "learner"]),
    ("completions:index", ["enrolment", "learner", "pathway"]),
    ("deliveries:index", ["endpoint", "completion"]),
    ("issuer_endpoints:index", ["partners"]),
    ("integration_tokens:index", ["partners"]),
    ("wagtailsnippets_catalog_competencyframework:list", ["publisher"]),
    ("wagtailsnippets_catalog_competency:list", ["framework"]),
    ("microcredentials:index", ["owner", "locale", "content_type"]),
]


@pytest.mark.parametrize("name,params", LISTINGS, ids=[name for name, _ in LISTINGS])
def test_a_listing_filtered_by_an_impossible_id_answers_without_a_500(staff, name, params):
    url = reverse(name)
    assert staff.get(url).status_code == 200
    for param in params:
        for value in (HUGE, JUST_PAST, "-1", "1e5", "٣"):
            response = staff.get(url, {param: value})
            assert response.status_code in (200, 400, 404), (param, value, response.status_code)


def test_a_choice_of_rows_by_an_impossible_id_is_an_invalid_choice_on_both_engines(site_tree):
    """The form fields every such filter uses (config/form_ids.py): no query, no 500."""
    from django import forms

    from accounts.models import User

    one = forms.ModelChoiceField(queryset=User.objects.all())
    many = forms.ModelMultipleChoiceField(queryset=User.objects.all())
    for value in (HUGE, JUST_PAST, int(JUST_PAST), "-" + HUGE):
        with pytest.raises(forms.ValidationError) as refused:
            one.clean(value)
        assert refused.value.code == "invalid_choice"
        with pytest.raises(forms.ValidationError) as refused:
            many.clean([value])
        assert refused.value.code == "invalid_choice"
    user = User.objects.create_user(email="a@example.edu", password=None)
    assert one.clean(str(user.pk)) == user and list(many.clean([str(user.pk)])) == [user]
