"""The partner facet and filter count a co-brand only where the partner consented
(catalog CoBrandingConsent), like the credential page; and a decision makes cached answers stale."""

import pytest

from catalog.models import CoBrandingConsent, ConsentStatus

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
