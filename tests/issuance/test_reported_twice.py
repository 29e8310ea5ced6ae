"""The same completion reported twice, by one route or two, is one completion and one delivery to
the badge issuer: the API with one Idempotency-Key, the CSV upload twice, the admin twice, the API
then the CSV upload, and the admin's bulk action after the API.

The learner's email is not confirmed, so the delivery rows are written but held (queue_deliveries):
sending is not what these tests are about, and counting the outbox rows is."""

import datetime
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from issuance.models import Completion, Delivery, IntegrationToken, IssuerEndpoint
from tests.builders import make_credential, make_enrolment, make_learner

pytestmark = pytest.mark.django_db

DAY = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()


@pytest.fixture
def enrolment(partner):
    IssuerEndpoint.objects.create(url="http://127.0.0.1:9/issuer")
    learner = make_learner("ada@example.edu", verified=False)
    return make_enrolment(learner, make_credential(partner, short_code="ASU-PM-101"))


@pytest.fixture
def staff(site_tree):
    client = Client()
    client.force_login(
        get_user_model().objects.create_superuser(email="registrar@example.edu", password="pw")
    )
    return client


@pytest.fixture
def lms(enrolment):
    _, token = IntegrationToken.issue("Canvas", all_partners=True)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def by_api(lms, key, result="Pass"):
    body = {
        "learner_email": "ada@example.edu",
        "credential_code": "ASU-PM-101",
        "result": result,
        "completed_on": DAY,
    }
    response = lms.post(
        "/api/v1/completions/", json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert response.status_code in (200, 201), response.content
    return response


def by_csv(staff, result="Pass"):
    content = (
        f"learner_email,credential_code,result,completed_on\r\nada@example.edu,ASU-PM-101,{result},{DAY}\r\n"
    )
    upload = staff.post("/admin/completion_uploads/", {"file": SimpleUploadedFile("c.csv", content.encode())})
    assert upload.status_code == 302
    assert staff.post(upload["Location"]).status_code == 200


def by_admin(staff, enrolment, result="Pass"):
    response = staff.post(
        f"/admin/complete_enrolments/complete/{enrolment.pk}/", {"result": result, "completed_on": DAY}
    )
    assert response.status_code == 302


def by_bulk(staff, enrolment, result="Pass"):
    url = f"/admin/bulk/checkout/enrolment/mark_complete/?id={enrolment.pk}"
    assert staff.post(url, {"result": result, "completed_on": DAY}).status_code in (200, 302)


def assert_one_completion_and_one_delivery(enrolment, first_result="Pass"):
    completion = Completion.objects.get()
    assert completion.enrolment == enrolment and completion.result == first_result
    delivery = Delivery.objects.get()
    assert delivery.completion == completion and delivery.event_type == "credential.completed"
    assert delivery.next_attempt_at is None  # held until Ada confirms her address


def test_the_api_twice_with_one_key(enrolment, lms):
    first, again = by_api(lms, "key-1"), by_api(lms, "key-1")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert_one_completion_and_one_delivery(enrolment)


def test_the_api_twice_with_two_keys(enrolment, lms):
    assert by_api(lms, "key-1").status_code == 201
    assert by_api(lms, "key-2", result="Fail").status_code == 200
    assert_one_completion_and_one_delivery(enrolment)


def test_the_csv_upload_twice(enrolment, staff):
    by_csv(staff)
    by_csv(staff, result="Fail")
    assert_one_completion_and_one_delivery(enrolment)


def test_the_admin_twice(enrolment, staff):
    by_admin(staff, enrolment)
    by_admin(staff, enrolment, result="Fail")
    assert_one_completion_and_one_delivery(enrolment)


def test_the_api_then_the_csv_upload(enrolment, lms, staff):
    by_api(lms, "key-1")
    by_csv(staff, result="Fail")
    assert_one_completion_and_one_delivery(enrolment)


def test_the_api_then_the_bulk_action_then_the_admin(enrolment, lms, staff):
    by_api(lms, "key-1")
    by_bulk(staff, enrolment, result="Fail")
    by_admin(staff, enrolment, result="Fail")
    assert_one_completion_and_one_delivery(enrolment)
