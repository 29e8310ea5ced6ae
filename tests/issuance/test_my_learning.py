"""My learning: a learner's enrolments, completions and credentials, and the two credential links
that count their use (View credential, Add to LinkedIn profile)."""

import datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from checkout.models import Enrolment, EnrolmentStatus
from checkout.services import create_order, fulfil_order
from issuance.credential_links import linkedin_add_to_profile_url, record_claim
from issuance.models import Completion, CompletionSource
from issuance.services import record_completion
from tests.builders import make_credential, make_pathway

pytestmark = pytest.mark.django_db

COMPLETED_ON = datetime.date(2026, 3, 14)
CREDENTIAL_URL = "https://badges.example.org/credentials/ab12"


@pytest.fixture
def learner(db):
    return User.objects.create_user(
        email="ada@example.edu", password="x", first_name="Ada", email_verified_at=timezone.now()
    )


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


def complete(learner, credential, result="Pass", issued=True, **issued_fields):
    enrolment = Enrolment.objects.get_or_create(user=learner, microcredential=credential)[0]
    completion, _ = record_completion(
        enrolment, result=result, completed_on=COMPLETED_ON, source=CompletionSource.DEMO
    )
    if issued:
        issued_fields.setdefault("credential_url", CREDENTIAL_URL)
        issued_fields.setdefault("credential_id", "ab12")
        issued_fields.setdefault("issued_at", timezone.make_aware(datetime.datetime(2026, 4, 2, 12)))
        Completion.objects.filter(pk=completion.pk).update(**issued_fields)
        completion.refresh_from_db()
    return completion


def my_learning(client):
    response = client.get(reverse("issuance:my_learning"))
    assert response.status_code == 200
    return response.content.decode()


def test_my_learning_keeps_its_address_and_lists_enrolments_and_receipts(client, learner, partner, framework):
    assert reverse("issuance:my_learning") == "/my-learning/"
    course = make_credential(partner, framework[1][:1], title="Spreadsheets", price=Decimal("25.00"))
    order = create_order(learner, course.pk)
    fulfil_order(order.pk, 2500, "USD")
    client.force_login(learner)
    page = my_learning(client)
    assert "Spreadsheets" in page and order.number in page and "$25" in page and "Active" in page


def test_my_learning_needs_a_login(client):
    response = client.get(reverse("issuance:my_learning"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_completed_and_issued_credential_shows_its_result_date_and_links(signed_in, learner, partner):
    completion = complete(learner, make_credential(partner, title="Project Management"), result="92%")
    page = my_learning(signed_in)
    assert "Completed: <strong>92%</strong>" in page and "on 14 Mar 2026" in page
    view = reverse("issuance:view_credential", args=[completion.pk])
    linkedin = reverse("issuance:add_to_linkedin", args=[completion.pk])
    assert f'href="{view}"' in page and f'href="{linkedin}"' in page
    assert 'aria-label="View credential: Project Management">View credential</a>' in page
    # The page links to our counting views, never straight to the issuer or LinkedIn.
    assert CREDENTIAL_URL not in page and "linkedin.com" not in page


def test_a_completion_not_issued_yet_says_so_without_links(signed_in, learner, partner):
    completion = complete(learner, make_credential(partner), issued=False)
    page = my_learning(signed_in)
    assert "Being issued" in page
    assert reverse("issuance:view_credential", args=[completion.pk]) not in page


def test_a_refunded_completion_shows_no_credential(signed_in, learner, partner):
    completion = complete(learner, make_credential(partner))
    Completion.objects.filter(pk=completion.pk).update(revoked_at=timezone.now())
    Enrolment.objects.filter(pk=completion.enrolment_id).update(status=EnrolmentStatus.REVOKED)
    page = my_learning(signed_in)
    assert "Revoked" in page and "View credential" not in page and "Completed:" not in page
    assert signed_in.get(reverse("issuance:view_credential", args=[completion.pk])).status_code == 404


def test_view_credential_counts_each_use_and_redirects_to_the_stored_url(signed_in, learner, partner):
    completion = complete(learner, make_credential(partner))
    url = reverse("issuance:view_credential", args=[completion.pk])
    first = signed_in.get(url)
    assert first.status_code == 302 and first["Location"] == CREDENTIAL_URL
    completion.refresh_from_db()
    assert completion.claim_count == 1 and completion.claimed_at is not None
    claimed_at = completion.claimed_at
    # A ?next= or any other parameter cannot change where it goes.
    again = signed_in.get(url + "?next=https://evil.example.com/")
    assert again["Location"] == CREDENTIAL_URL
    completion.refresh_from_db()
    assert completion.claim_count == 2 and completion.claimed_at == claimed_at  # the first claim
    assert completion.share_count == 0 and completion.shared_at is None


def test_add_to_linkedin_counts_and_fills_in_linkedins_form(signed_in, learner, partner):
    completion = complete(learner, make_credential(partner, title="Project Management Foundations"))
    response = signed_in.get(reverse("issuance:add_to_linkedin", args=[completion.pk]))
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert (location.scheme, location.netloc, location.path) == ("https", "www.linkedin.com", "/profile/add")
    assert parse_qs(location.query) == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": ["Project Management Foundations"],
        "organizationName": ["Arizona State University"],
        "issueYear": ["2026"],
        "issueMonth": ["4"],  # issued in April (completed in March)
        "certUrl": [CREDENTIAL_URL],
        "certId": ["ab12"],
    }
    completion.refresh_from_db()
    assert (completion.share_count, completion.claim_count) == (1, 0) and completion.shared_at


def test_linkedin_without_an_issue_date_or_id_uses_the_completion_date(learner, partner):
    completion = complete(learner, make_credential(partner), issued_at=None, credential_id="")
    query = parse_qs(urlsplit(linkedin_add_to_profile_url(completion)).query)
    assert (query["issueYear"], query["issueMonth"]) == (["2026"], ["3"]) and "certId" not in query


@pytest.mark.parametrize("link", ["issuance:view_credential", "issuance:add_to_linkedin"])
def test_only_the_owner_may_use_the_links(client, learner, partner, link):
    completion = complete(learner, make_credential(partner))
    url = reverse(link, args=[completion.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    client.force_login(User.objects.create_user(email="sam@example.org", password="x"))
    assert client.get(url).status_code == 404
    assert client.get(reverse(link, args=[completion.pk + 1000])).status_code == 404
    completion.refresh_from_db()
    assert (completion.claim_count, completion.share_count) == (0, 0)


@pytest.mark.parametrize("link", ["issuance:view_credential", "issuance:add_to_linkedin"])
def test_no_link_before_the_credential_is_issued(signed_in, learner, partner, link):
    completion = complete(learner, make_credential(partner), issued=False)
    assert signed_in.get(reverse(link, args=[completion.pk])).status_code == 404
    completion.refresh_from_db()
    assert (completion.claim_count, completion.share_count) == (0, 0)


@pytest.mark.parametrize(
    "stored", ["javascript:alert(1)", "/admin/", "//evil.example.com/x", "ftp://x.org/a"]
)
def test_a_stored_url_that_is_not_a_web_address_is_never_linked_or_followed(
    signed_in, learner, partner, stored
):
    completion = complete(learner, make_credential(partner), credential_url=stored)
    page = my_learning(signed_in)
    assert "View credential" not in page and "Being issued" in page
    assert signed_in.get(reverse("issuance:view_credential", args=[completion.pk])).status_code == 404
    assert signed_in.get(reverse("issuance:add_to_linkedin", args=[completion.pk])).status_code == 404


def test_a_completed_pathway_shows_with_its_own_links(signed_in, learner, partner):
    first, second = make_credential(partner), make_credential(partner)
    pathway = make_pathway(partner, [(first, True), (second, True)], title="Project Management Pathway")
    complete(learner, first)
    complete(learner, second)
    pathway_completion = Completion.objects.get(pathway=pathway, learner=learner)
    page = my_learning(signed_in)
    assert "Pathways completed" in page and page.count("Being issued") == 1  # the pathway's
    Completion.objects.filter(pk=pathway_completion.pk).update(
        credential_url="https://badges.example.org/p/1"
    )
    page = my_learning(signed_in)
    assert "Pathways completed" in page and "Project Management Pathway" in page
    assert reverse("issuance:view_credential", args=[pathway_completion.pk]) in page
    response = signed_in.get(reverse("issuance:add_to_linkedin", args=[pathway_completion.pk]))
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["name"] == ["Project Management Pathway"]
    assert query["organizationName"] == ["Arizona State University"]  # the pathway's partner


def test_my_learning_queries_do_not_grow_with_enrolments(client, learner, partner, framework):
    """No N+1: three enrolments and twelve (paid, half completed and issued) cost the same queries."""
    credentials = [
        make_credential(
            partner,
            framework[1][:1],
            credit_eligible=True,
            credit_hours=Decimal("3"),
            credit_conversion_fee=Decimal("400.00"),
            credit_granting_institution=partner,
        )
        for _ in range(12)
    ]

    def enrol_and_complete(chosen):
        for index, credential in enumerate(chosen):
            order = create_order(learner, credential.pk)
            fulfil_order(order.pk, 2500, "USD")
            if index % 2:
                complete(learner, credential)

    client.force_login(learner)
    enrol_and_complete(credentials[:3])
    my_learning(client)  # warm the site root cache
    with CaptureQueriesContext(connection) as few:
        my_learning(client)
    enrol_and_complete(credentials[3:])
    with CaptureQueriesContext(connection) as many:
        page = my_learning(client)
    assert page.count(">View credential</a>") == 1 + 4 and page.count("Add academic credit") == 12
    assert len(many) == len(few), [q["sql"] for q in many]


def test_record_claim_adds_to_the_stored_count(learner, partner):
    completion = complete(learner, make_credential(partner))
    stale = Completion.objects.get(pk=completion.pk)
    record_claim(completion)
    record_claim(stale)  # loaded before the first claim: still adds, never overwrites
    completion.refresh_from_db()
    assert completion.claim_count == 2


@pytest.mark.parametrize(
    "route", ["/my-learning/credentials/{}/view/", "/my-learning/credentials/{}/linkedin/"]
)
@pytest.mark.parametrize(
    "number", ["0", "007", "9223372036854775807", "9223372036854775808", "99999999999999999999"]
)
def test_an_id_no_completion_can_have_is_a_404_not_a_500(signed_in, route, number):
    assert signed_in.get(route.format(number)).status_code == 404
