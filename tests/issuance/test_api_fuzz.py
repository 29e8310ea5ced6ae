"""Whatever an integration sends (any body, any Idempotency-Key, any token, any roster query), the
API answers with a JSON 4xx or a success, never a 5xx, and a 4xx writes nothing: no completion, no
stored answer, no delivery, no enrolment changed.

Hypothesis keeps one database for all the examples of a test, so a generated body that happens to
be a valid report completes Ada's enrolment once; after that, valid bodies are answered 200 (the
existing completion) and every other answer must still leave the counts as they were.
"""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from checkout.models import Enrolment
from issuance.models import Completion, Delivery, IdempotencyRecord, IntegrationToken, IssuerEndpoint
from tests.builders import make_credential, make_enrolment, make_learner

pytestmark = pytest.mark.django_db

FIELDS = ["learner_email", "credential_code", "result", "completed_on"]
DAY = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
VALID = {
    "learner_email": "ada@example.edu",
    "credential_code": "ASU-PM-101",
    "result": "Pass",
    "completed_on": DAY,
}
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def token(partner):
    IssuerEndpoint.objects.create(url="http://127.0.0.1:9/issuer")  # so a completion writes a delivery
    make_enrolment(
        make_learner("ada@example.edu", verified=False), make_credential(partner, short_code="ASU-PM-101")
    )
    _, token = IntegrationToken.issue("Canvas", partners=[partner])
    return token


def state():
    return (
        Completion.objects.count(),
        IdempotencyRecord.objects.count(),
        Delivery.objects.count(),
        sorted(Enrolment.objects.values_list("pk", "status")),
    )


def check(response, before):
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400:
        assert state() == before, (response.status_code, response.content[:300])
        if response.headers.get("Content-Type", "").startswith("application/json"):
            assert isinstance(response.json()["errors"], dict)
        else:  # only the site-wide NUL check answers in plain text (config/middleware.py)
            assert response.status_code == 400 and b"NUL" in response.content


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=10,
)
# A report with each field either right, missing, or any JSON value; sometimes an extra field.
reports = st.fixed_dictionaries(
    {},
    optional={name: st.one_of(st.just(VALID[name]), json_values, st.text(max_size=300)) for name in FIELDS}
    | {"extra": json_values},
)
bodies = st.one_of(
    reports.map(json.dumps),
    json_values.map(json.dumps),
    st.text(max_size=500),
    st.binary(max_size=500),
    st.integers(min_value=16_000, max_value=17_000).map(lambda n: json.dumps({**VALID, "result": "x" * n})),
)
# Header values as a server hands them over: any Latin-1 text; and any Unicode, to be thorough.
header_texts = st.one_of(
    st.text(alphabet=st.characters(max_codepoint=255), max_size=300),
    st.text(max_size=300),
    st.integers(min_value=250, max_value=20_000).map(lambda n: "k" * n),
    st.uuids().map(str),
)


@FUZZ
@given(body=bodies, key=header_texts | st.none())
@example(body=json.dumps(VALID), key="fixed-key")
@example(body=json.dumps({**VALID, "result": "Fail"}), key="fixed-key")
def test_any_body_and_idempotency_key_is_never_a_server_error(token, body, key):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    before = state()
    response = client.post("/api/v1/completions/", data=body, content_type="application/json", **headers)
    check(response, before)


@FUZZ
@given(authorization=header_texts | st.none(), method=st.sampled_from(["get", "post", "put", "delete"]))
def test_any_token_is_a_401_and_writes_nothing(token, authorization, method):
    client = Client() if authorization is None else Client(HTTP_AUTHORIZATION=authorization)
    before = state()
    for url in ("/api/v1/completions/", "/api/v1/enrolments/?credential=ASU-PM-101"):
        if method == "get":
            response = client.get(url, HTTP_IDEMPOTENCY_KEY="k")
        else:
            body = json.dumps(VALID)
            response = getattr(client, method)(
                url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k"
            )
        answered = {("post", "/api/v1/completions/"), ("get", "/api/v1/enrolments/")}
        allowed = (method, url.split("?")[0]) in answered
        # A method the address does not answer is a 405 before the token is read; any other is a 401.
        assert response.status_code == (401 if allowed else 405), (authorization, response.content[:200])
        check(response, before)


query_texts = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=200)


@FUZZ
@given(
    query=st.fixed_dictionaries(
        {},
        optional={
            "credential": st.one_of(st.just("ASU-PM-101"), query_texts),
            "since": st.one_of(st.datetimes().map(lambda d: d.isoformat()), query_texts),
            "page_size": st.one_of(st.integers().map(str), query_texts),
            "cursor": query_texts,
        },
    )
)
def test_any_roster_query_is_never_a_server_error(token, query):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    before = state()
    response = client.get("/api/v1/enrolments/", query)
    check(response, before)
    if response.status_code == 200:
        assert response.json()["credential"]["code"] == "ASU-PM-101"
