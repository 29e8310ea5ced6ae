"""The partner facet and filter count a co-brand only where the partner consented
(catalog CoBrandingConsent), like the credential page; text search finds a credential by a
co-brand's name only then too; and a decision makes cached answers stale."""

import pytest
from django.contrib.auth import get_user_model

from catalog.cobranding import decide, override
from catalog.models import CoBrandingConsent, ConsentStatus
from tests.builders import make_credential, make_partner

from .helpers import counts, run, titles

pytestmark = pytest.mark.django_db


def test_a_withdrawn_cobrand_leaves_the_partner_facet_and_filter(cached_catalog, committed):
    _, _, employer = cached_catalog["partners"]
    assert counts(run(), "partner")["Front Range Manufacturing Alliance"] == 2  # cached now
    assert sorted(titles(run(f"partner={employer.pk}"))) == ["CNC Operation", "Dashboards for Managers"]

    consent = CoBrandingConsent.objects.get(partner=employer, credential__title="Dashboards for Managers")
    with committed():
        consent.status = ConsentStatus.WITHDRAWN
        consent.save()

    assert counts(run(), "partner")["Front Range Manufacturing Alliance"] == 1
    assert titles(run(f"partner={employer.pk}")) == ["CNC Operation"]


# Text search -----------------------------------------------------------------------------------


@pytest.fixture
def decider(db):
    """Staff who may decide any partner's consent (a superuser holds every permission)."""
    return get_user_model().objects.create_superuser(email="marketing@university.example.edu", password="x")


@pytest.fixture
def undecided(catalog, committed):
    """A credential co-branded with an employer that has not decided yet, indexed and committed."""
    with committed():
        asu = make_partner(catalog, title="Arizona State University")
        employer = make_partner(catalog, title="Front Range Manufacturing Alliance", kind="employer")
        make_credential(
            asu, cobrands=[employer], title="Dashboards for Managers", cobrand_consent="requested"
        )
    return CoBrandingConsent.objects.get(partner=employer)


def found_by_cobrand_name():
    return titles(run("q=Front+Range+Manufacturing"))


def test_a_cobrand_s_name_finds_the_credential_only_while_the_partner_consents(undecided, decider, committed):
    assert found_by_cobrand_name() == []  # asked, not yet decided: the name is not in the index
    assert titles(run("q=Arizona")) == ["Dashboards for Managers"]  # the provider's name is

    with committed():
        decide(decider, undecided, "approve")
    assert found_by_cobrand_name() == ["Dashboards for Managers"]

    with committed():
        decide(decider, undecided, "withdraw")
    assert found_by_cobrand_name() == []


def test_a_declined_cobrand_is_not_found_and_a_staff_override_is(undecided, decider, committed):
    with committed():
        decide(decider, undecided, "decline")
    assert found_by_cobrand_name() == []

    with committed():
        override(decider, undecided, "The employer agreed by phone; the form follows.")
    assert found_by_cobrand_name() == ["Dashboards for Managers"]

    with committed():
        override(decider, undecided, "The phone call was not a decision.", show=False)
    assert found_by_cobrand_name() == []


def test_the_search_page_does_not_find_a_credential_by_an_unapproved_cobrand(client, undecided):
    text = client.get("/search/", {"q": "Front Range Manufacturing"}).content.decode()
    assert "Dashboards for Managers" not in text
