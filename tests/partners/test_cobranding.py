"""Co-branding consent (catalog/cobranding.py): partner B's name and logo appear on partner A's
credential (its page, JSON-LD, the API, B's own page) only after B's managers approve, or
staff override with a note; declining or withdrawing takes them off at the next view."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import CoBrandingConsent, ConsentStatus
from tests.builders import make_credential, make_partner
from tests.pages import get_soup

from .conftest import is_refused, make_partner_user


@pytest.fixture
def manager_b(partner_b):
    return make_partner_user(partner_b, "manager", "manager-b@cccs.example.edu")


@pytest.fixture
def cobranding_staff(staff):
    staff.user_permissions.add(
        Permission.objects.get(content_type__app_label="catalog", codename="decide_any_cobranding")
    )
    return staff


@pytest.fixture
def credential(partner_a, partner_b, framework, manager_b, mailoutbox, django_capture_on_commit_callbacks):
    """A's credential naming B as co-brand; publishing asks B, and emails its managers once
    the transaction commits (run here: the test's transaction never does)."""
    with django_capture_on_commit_callbacks(execute=True):
        return make_credential(
            partner_a,
            competencies=framework[1][:1],
            cobrands=[partner_b],
            cobrand_consent="requested",
            title="Data Cleaning",
        )


def consent_of(credential, partner):
    return CoBrandingConsent.objects.get(credential=credential, partner=partner)


def public_brands(client, credential):
    """B's presence in what the public sees: the page's co-brand list, its JSON-LD, the API."""
    soup = get_soup(client, credential.url)
    cobrand = soup.select_one(".cobrand").get_text(" ", strip=True)
    json_ld = json.loads(soup.find("script", type="application/ld+json").string)
    api = client.get(f"/api/v2/pages/{credential.pk}/").json()
    return {
        "page": cobrand,
        "json_ld": json.dumps(json_ld),
        "api": [link["partner"]["title"] for link in api["partner_links"]],
    }


def shows(client, credential, partner):
    brands = public_brands(client, credential)
    found = [
        partner.title in brands["page"],
        partner.title in brands["json_ld"],
        partner.title in brands["api"],
    ]
    assert len(set(found)) == 1, f"page, JSON-LD and API disagree: {found}"
    return found[0]


def decide(client, consent, action):
    return client.post(reverse("cobranding:decide", args=[consent.pk, action]))


def test_publishing_asks_the_cobrand_not_the_owner_and_emails_its_managers(
    credential, partner_a, partner_b, mailoutbox
):
    assert list(CoBrandingConsent.objects.filter(credential=credential).values_list("partner", "status")) == [
        (partner_b.pk, ConsentStatus.REQUESTED)
    ]
    assert [message.to for message in mailoutbox] == [["manager-b@cccs.example.edu"]]
    assert "Data Cleaning" in mailoutbox[0].subject and "/admin/cobranding/" in mailoutbox[0].body
    # A republish asks nobody again.
    credential.save_revision().publish()
    assert CoBrandingConsent.objects.filter(credential=credential).count() == 1 and len(mailoutbox) == 1


def test_a_cobrand_shows_only_after_its_manager_approves(client, login, credential, partner_b, manager_b):
    assert not shows(client, credential, partner_b)
    assert credential.title not in get_soup(client, partner_b.url).get_text()

    manager = login(manager_b)
    listing = manager.get(reverse("cobranding:index"))
    assert listing.status_code == 200 and "Data Cleaning" in listing.content.decode()
    assert decide(manager, consent_of(credential, partner_b), "approve").status_code == 302
    consent = consent_of(credential, partner_b)
    assert consent.status == ConsentStatus.APPROVED and consent.decided_by == manager_b

    client.logout()
    assert shows(client, credential, partner_b)
    assert credential.title in get_soup(client, partner_b.url).get_text()


@pytest.mark.parametrize("first, then", [("approve", "withdraw"), ("decline", None)])
def test_declining_or_withdrawing_takes_the_brand_off(
    client, login, credential, partner_b, manager_b, first, then
):
    manager = login(manager_b)
    decide(manager, consent_of(credential, partner_b), first)
    if then:
        decide(manager, consent_of(credential, partner_b), then)
    client.logout()
    assert consent_of(credential, partner_b).status == {"decline": "declined", "approve": "withdrawn"}[first]
    assert not shows(client, credential, partner_b)
    assert credential.title not in get_soup(client, partner_b.url).get_text()


@pytest.mark.parametrize("who", ["editor_b", "manager_a", "editor_a"])
def test_only_the_partners_managers_or_staff_decide(request, login, credential, partner_b, who):
    """B's editor, the owner's manager and editor: refused server-side, whatever they post."""
    user = request.getfixturevalue(who)
    consent = consent_of(credential, partner_b)
    response = decide(login(user), consent, "approve")
    assert is_refused(response)
    assert consent_of(credential, partner_b).status == ConsentStatus.REQUESTED
    assert "Data Cleaning" not in login(user).get(reverse("cobranding:index")).content.decode()
    refused = login(user).post(
        reverse("cobranding:override", args=[consent.pk]), {"note": "because", "show": "1"}
    )
    assert is_refused(refused) and not consent_of(credential, partner_b).staff_override


def test_staff_override_needs_a_note_and_is_recorded(client, login, credential, partner_b, cobranding_staff):
    consent = consent_of(credential, partner_b)
    staff_client = login(cobranding_staff)
    url = reverse("cobranding:override", args=[consent.pk])

    staff_client.post(url, {"note": "   ", "show": "1"})
    assert not consent_of(credential, partner_b).staff_override
    staff_client.post(url, {"note": "Signed MoU of 3 March; the partner's portal is down.", "show": "1"})
    consent = consent_of(credential, partner_b)
    assert consent.staff_override and consent.overridden_by == cobranding_staff
    assert consent.override_note.startswith("Signed MoU") and consent.status == ConsentStatus.REQUESTED
    listing = staff_client.get(reverse("cobranding:index")).content.decode()
    assert "Signed MoU of 3 March" in listing and "Stop showing" in listing
    client.logout()
    assert shows(client, credential, partner_b)


def test_the_partners_withdrawal_ends_a_staff_override(
    client, login, credential, partner_b, manager_b, cobranding_staff
):
    consent = consent_of(credential, partner_b)
    login(cobranding_staff).post(
        reverse("cobranding:override", args=[consent.pk]), {"note": "Agreed by phone", "show": "1"}
    )
    decide(login(manager_b), consent, "approve")
    decide(login(manager_b), consent, "withdraw")
    client.logout()
    assert not shows(client, credential, partner_b)


def test_an_impossible_decision_changes_nothing(login, credential, partner_b, manager_b):
    consent = consent_of(credential, partner_b)
    response = decide(login(manager_b), consent, "withdraw")  # nothing approved to withdraw
    assert response.status_code == 302 and consent_of(credential, partner_b).status == ConsentStatus.REQUESTED


def test_the_managers_dashboard_counts_pending_requests(login, credential, manager_b, editor_b):
    assert (
        "1 credential waits for your consent"
        in login(manager_b).get(reverse("wagtailadmin_home")).content.decode()
    )
    assert "Co-branding requests" not in login(editor_b).get(reverse("wagtailadmin_home")).content.decode()


def test_the_page_does_not_query_per_cobrand(client, catalog, partner_a, framework):
    def queries_for(count):
        cobrands = [
            make_partner(catalog, title=f"Employer {count}-{i}", kind="employer") for i in range(count)
        ]
        page = make_credential(partner_a, competencies=framework[1][:1], cobrands=cobrands, title=f"C{count}")
        client.get(page.url)  # warm caches (site root, renditions)
        with CaptureQueriesContext(connection) as captured:
            soup = get_soup(client, page.url)
        assert len(soup.select(".cobrand__partner")) == count + 1  # and the owner
        return len(captured)

    assert queries_for(4) <= queries_for(1)
