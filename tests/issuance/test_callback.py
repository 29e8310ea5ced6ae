"""An issuer that issues later reports the credential to our signed callback; anything not
signed with that endpoint's secret, or not naming one of its deliveries, writes nothing."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from issuance.models import Completion, IssuerEndpoint
from issuance.services import revoke_completion_of
from issuance.signing import sign_headers

pytestmark = pytest.mark.django_db


def post(client, endpoint, body, secret=None, moment=None, raw=None):
    text = raw if raw is not None else json.dumps(body)
    headers = sign_headers(secret or endpoint.secret, "issuer_msg_1", moment or datetime.now(UTC), text)
    return client.post(
        reverse("issuer_callback", args=[endpoint.pk]),
        data=text.encode(),
        content_type="application/json",
        headers=headers,
    )


def credential_of(delivery):
    completion = Completion.objects.get(pk=delivery.completion_id)
    return completion.credential_url, completion.credential_id


def test_a_signed_callback_attaches_the_credential(client, delivery):
    response = post(
        client,
        delivery.endpoint,
        {
            "webhook_id": delivery.message_id,
            "credential_url": "https://badges.example.org/c/1",
            "credential_id": "c1",
        },
    )
    assert response.status_code == 200
    assert response.json() == {
        "completion_id": delivery.completion_id,
        "credential_url": "https://badges.example.org/c/1",
        "credential_id": "c1",
    }
    assert credential_of(delivery) == ("https://badges.example.org/c/1", "c1")
    assert Completion.objects.get(pk=delivery.completion_id).issued_at is not None
    # A correction replaces it; a repeat changes nothing more.
    post(
        client,
        delivery.endpoint,
        {"completion_id": delivery.completion_id, "credential": {"url": "https://x.example.org/2", "id": 2}},
    )
    assert credential_of(delivery) == ("https://x.example.org/2", "2")


@pytest.mark.parametrize(
    "change",
    [
        {"secret": "whsec_" + "QUJD" * 8},  # another secret
        {"moment": datetime.now(UTC) - timedelta(minutes=10)},  # a replayed old request
    ],
    ids=["wrong secret", "stale timestamp"],
)
def test_a_bad_signature_is_401_and_writes_nothing(client, delivery, change):
    body = {"webhook_id": delivery.message_id, "credential_url": "https://badges.example.org/c/1"}
    response = post(client, delivery.endpoint, body, **change)
    assert response.status_code == 401 and "signature" in response.json()["error"].lower()
    assert credential_of(delivery) == ("", "")


def test_unsigned_and_tampered_requests_are_refused(client, delivery):
    url = reverse("issuer_callback", args=[delivery.endpoint_id])
    body = json.dumps({"webhook_id": delivery.message_id, "credential_url": "https://badges.example.org/c/1"})
    assert client.post(url, data=body, content_type="application/json").status_code == 401
    headers = sign_headers(delivery.endpoint.secret, "m", datetime.now(UTC), body)
    tampered = body.replace("c/1", "c/2")
    assert (
        client.post(url, data=tampered, content_type="application/json", headers=headers).status_code == 401
    )
    assert client.get(url).status_code == 405
    assert credential_of(delivery) == ("", "")


def test_another_endpoints_delivery_cannot_be_touched(client, delivery):
    other = IssuerEndpoint.objects.create(url="https://other.example.org/hooks")
    response = post(
        client, other, {"webhook_id": delivery.message_id, "credential_url": "https://evil.example.org/"}
    )
    assert response.status_code == 404 and response.json()["field"] == "webhook_id"
    response = post(
        client,
        other,
        {"completion_id": delivery.completion_id, "credential_url": "https://evil.example.org/"},
    )
    assert response.status_code == 404 and response.json()["field"] == "completion_id"
    assert credential_of(delivery) == ("", "")


@pytest.mark.parametrize(
    "body, status, field",
    [
        ({"credential_url": "https://badges.example.org/c/1"}, 400, "webhook_id"),
        ({"webhook_id": "msg_nope", "credential_url": "https://badges.example.org/c/1"}, 404, "webhook_id"),
        ({"completion_id": 10**30, "credential_url": "https://badges.example.org/c/1"}, 400, "webhook_id"),
        ({"webhook_id": "WEBHOOK", "credential_url": "javascript:alert(1)"}, 400, "credential_url"),
        ({"webhook_id": "WEBHOOK"}, 400, "credential_url"),
    ],
)
def test_bad_bodies_name_the_field(client, delivery, body, status, field):
    body = {key: (delivery.message_id if value == "WEBHOOK" else value) for key, value in body.items()}
    response = post(client, delivery.endpoint, body)
    assert response.status_code == status and response.json()["field"] == field
    assert credential_of(delivery) == ("", "")


def test_not_json_or_not_an_object_is_400(client, delivery):
    assert post(client, delivery.endpoint, None, raw="not json").status_code in (400, 401)
    assert post(client, delivery.endpoint, ["a", "list"]).status_code == 400


def test_a_revoked_completion_gets_no_credential(client, delivery):
    revoke_completion_of(Completion.objects.get(pk=delivery.completion_id).enrolment)
    response = post(
        client,
        delivery.endpoint,
        {"webhook_id": delivery.message_id, "credential_url": "https://b.example.org/1"},
    )
    assert response.status_code == 409
    assert credential_of(delivery) == ("", "")


def test_an_unknown_endpoint_is_404(client, db):
    assert (
        client.post("/issuance/callback/987654/", data="{}", content_type="application/json").status_code
        == 404
    )
    assert (
        client.post(f"/issuance/callback/{2**64}/", data="{}", content_type="application/json").status_code
        == 404
    )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=15), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.fixed_dictionaries(
        {},
        optional={
            "webhook_id": json_values | st.just("WEBHOOK"),
            "completion_id": json_values,
            "credential_url": json_values | st.just("https://ok.example.org/c"),
            "credential_id": json_values,
            "credential": json_values,
        },
    )
)
def test_no_signed_body_is_ever_a_500(client, delivery, body):
    body = {key: (delivery.message_id if value == "WEBHOOK" else value) for key, value in body.items()}
    response = post(client, delivery.endpoint, body)
    assert response.status_code in (200, 400, 404, 409)
    stored = credential_of(delivery)[0]
    if response.status_code != 200:
        assert stored in ("", "https://ok.example.org/c")  # only an earlier valid example wrote
    else:
        assert stored == response.json()["credential_url"]
