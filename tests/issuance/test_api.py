"""An LMS reads a credential's roster and reports completions through the integration API v1
(issuance/api.py, docs/API.md), with a token scoped to its partner."""

import datetime
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from checkout.models import Enrolment, EnrolmentStatus
from issuance.models import Completion, CompletionSource, IdempotencyRecord, IntegrationToken
from issuance.services import record_completion
from tests.builders import make_credential, make_enrolment, make_learner, make_partner

pytestmark = pytest.mark.django_db

DONE_ON = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()


@pytest.fixture
def setting(partner, catalog):
    """ASU (the `partner`) offers two credentials, another university one; Ada is enrolled in ASU-PM-101."""
    other = make_partner(catalog, title="Colorado Community College System")
    world = {
        "asu": partner,
        "other": other,
        "pm": make_credential(partner, title="Project Management", short_code="ASU-PM-101"),
        "data": make_credential(partner, title="Data Cleaning", short_code="ASU-DA-110"),
        "cnc": make_credential(other, title="CNC Operation", short_code="CCCS-MF-120"),
        "ada": make_learner("ada@example.edu", first_name="Ada", last_name="Lovelace"),
    }
    world["enrolment"] = make_enrolment(world["ada"], world["pm"])
    return world


@pytest.fixture
def asu_token(setting):
    _, token = IntegrationToken.issue("Canvas at ASU", partners=[setting["asu"]])
    return token


def api(token):
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def post(client, body, key="key-1", **headers):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post("/api/v1/completions/", data=data, content_type="application/json", **headers)


def report(**changes):
    body = {
        "learner_email": "ada@example.edu",
        "credential_code": "ASU-PM-101",
        "result": "Pass",
        "completed_on": DONE_ON,
    }
    body.update(changes)
    return body


def nothing_written():
    return not Completion.objects.exists() and not IdempotencyRecord.objects.exists()


# --- tokens ---


# Each list below is checked in one test: the catalog the tests need takes a second or two to
# build, and these cases only differ in what they send.
BAD_AUTHORIZATION = [
    None,
    "",
    "Bearer",
    "Bearer ",
    "Basic YWRhOnB3",
    "Bearer mct_not-a-real-token",
    "Bearer " + "x" * 5000,
    "Bearer tökén",
]


def test_a_missing_or_unknown_token_is_a_401_on_both_endpoints(setting):
    for authorization in BAD_AUTHORIZATION:
        headers = {} if authorization is None else {"HTTP_AUTHORIZATION": authorization}
        client = Client(**headers)
        roster = client.get("/api/v1/enrolments/", {"credential": "ASU-PM-101"})
        completion = post(client, report())
        for response in (roster, completion):
            assert response.status_code == 401, authorization
            assert "Authorization" in response.json()["errors"]
            assert response["WWW-Authenticate"].startswith("Bearer")
    assert nothing_written()


def test_a_revoked_token_stops_working_at_once(setting, asu_token):
    IntegrationToken.objects.update(revoked_at=timezone.now())
    response = post(api(asu_token), report())
    assert response.status_code == 401
    assert response.json() == {"errors": {"Authorization": "This token was revoked."}}
    assert nothing_written()


def test_a_signed_in_staff_session_is_not_a_token(setting, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser(email="boss@example.edu", password="pw"))
    assert client.get("/api/v1/enrolments/", {"credential": "ASU-PM-101"}).status_code == 401
    assert post(client, report()).status_code == 401
    assert nothing_written()


def test_use_is_noted_at_most_once_a_minute(setting, asu_token):
    row = IntegrationToken.objects.get()
    assert row.last_used_at is None
    api(asu_token).get("/api/v1/enrolments/", {"credential": "ASU-PM-101"})
    row.refresh_from_db()
    first = row.last_used_at
    assert first is not None and timezone.now() - first < datetime.timedelta(seconds=30)
    api(asu_token).get("/api/v1/enrolments/", {"credential": "ASU-PM-101"})
    row.refresh_from_db()
    assert row.last_used_at == first
    IntegrationToken.objects.update(last_used_at=first - datetime.timedelta(minutes=5))
    api(asu_token).get("/api/v1/enrolments/", {"credential": "ASU-PM-101"})
    row.refresh_from_db()
    assert row.last_used_at > first


# --- GET /api/v1/enrolments/ ---


def test_the_roster_lists_each_enrolment_with_learner_status_and_completion(setting, asu_token):
    grace = make_learner("grace@example.edu", first_name="Grace", last_name="Hopper")
    make_enrolment(grace, setting["pm"])
    record_completion(
        setting["enrolment"],
        result="Merit",
        completed_on=datetime.date.fromisoformat(DONE_ON),
        source="admin",
    )
    make_enrolment(make_learner("elsewhere@example.edu"), setting["data"])  # another credential

    response = api(asu_token).get("/api/v1/enrolments/", {"credential": "ASU-PM-101"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["credential"] == {"code": "ASU-PM-101", "title": "Project Management"}
    assert body["count"] == 2 and body["next"] is None
    by_email = {entry["learner"]["email"]: entry for entry in body["results"]}
    assert set(by_email) == {"ada@example.edu", "grace@example.edu"}
    ada = by_email["ada@example.edu"]
    assert ada["learner"] == {
        "email": "ada@example.edu",
        "name": "Ada Lovelace",
        "first_name": "Ada",
        "last_name": "Lovelace",
    }
    assert ada["status"] == "completed" and ada["id"] == setting["enrolment"].pk
    assert ada["completion"]["result"] == "Merit" and ada["completion"]["completed_on"] == DONE_ON
    assert ada["completion"]["source"] == "admin" and ada["completion"]["revoked_at"] is None
    assert ada["enrolled_at"].endswith("Z") and ada["changed_at"] >= ada["enrolled_at"]
    assert (
        by_email["grace@example.edu"]["status"] == "active"
        and by_email["grace@example.edu"]["completion"] is None
    )


def page_through(client, url):
    """Every entry, following next links; and how many pages that took."""
    entries, pages = [], 0
    while url:
        body = client.get(url).json()
        entries += body["results"]
        url, pages = body["next"], pages + 1
    return entries, pages


def test_the_roster_is_paged_by_a_next_link_that_visits_everyone_once(setting, asu_token):
    for number in range(6):
        make_enrolment(make_learner(f"l{number}@example.edu"), setting["pm"])
    entries, pages = page_through(api(asu_token), "/api/v1/enrolments/?credential=asu-pm-101&page_size=4")
    ids = [entry["id"] for entry in entries]
    assert pages == 2 and len(ids) == 7
    assert set(ids) == set(
        Enrolment.objects.filter(microcredential=setting["pm"]).values_list("pk", flat=True)
    )
    assert [entry["changed_at"] for entry in entries] == sorted(entry["changed_at"] for entry in entries)


def test_an_enrolment_that_changes_while_paging_is_seen_again_at_the_end(setting, asu_token):
    for number in range(3):
        make_enrolment(make_learner(f"l{number}@example.edu"), setting["pm"])
    client = api(asu_token)
    first = client.get("/api/v1/enrolments/", {"credential": "ASU-PM-101", "page_size": 2}).json()
    assert first["results"][0]["id"] == setting["enrolment"].pk  # the oldest comes first
    record_completion(
        setting["enrolment"], result="Pass", completed_on=datetime.date.fromisoformat(DONE_ON), source="admin"
    )
    rest, _ = page_through(client, first["next"])
    assert [entry["id"] for entry in rest][-1] == setting["enrolment"].pk
    assert rest[-1]["status"] == "completed"
    assert len(first["results"]) + len(rest) == 5


def test_the_default_page_is_a_hundred(setting, asu_token):
    from issuance.api import PAGE_SIZE

    learners = [make_learner(f"bulk{n}@example.edu") for n in range(PAGE_SIZE)]
    Enrolment.objects.bulk_create(
        Enrolment(user=learner, microcredential=setting["pm"]) for learner in learners
    )
    body = api(asu_token).get("/api/v1/enrolments/", {"credential": "ASU-PM-101"}).json()
    assert PAGE_SIZE == 100 and len(body["results"]) == 100 and body["count"] == 101
    query = parse_qs(urlsplit(body["next"]).query)
    assert query["credential"] == ["ASU-PM-101"] and "cursor" in query and "page_size" not in query


def test_since_returns_what_was_enrolled_or_changed_since(setting, asu_token):
    old = setting["enrolment"]
    hour_ago = timezone.now() - datetime.timedelta(hours=1)
    Enrolment.objects.filter(pk=old.pk).update(created_at=hour_ago - datetime.timedelta(days=2))
    newcomer = make_enrolment(make_learner("new@example.edu"), setting["pm"])
    client = api(asu_token)

    def changed_since(value):
        response = client.get("/api/v1/enrolments/", {"credential": "ASU-PM-101", "since": value})
        assert response.status_code == 200, response.content
        return {entry["id"] for entry in response.json()["results"]}

    stamp = hour_ago.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    assert changed_since(stamp + "Z") == {newcomer.pk}
    assert changed_since(stamp) == {newcomer.pk}  # no offset: UTC
    assert changed_since(hour_ago.isoformat()) == {newcomer.pk}
    # "+00:00" typed into a URL unencoded arrives as " 00:00"; it still means UTC.
    raw = client.get(f"/api/v1/enrolments/?credential=ASU-PM-101&since={stamp}+00:00")
    assert {entry["id"] for entry in raw.json()["results"]} == {newcomer.pk}
    # Completing the old enrolment is a change: it shows up again.
    record_completion(old, result="Pass", completed_on=datetime.date.fromisoformat(DONE_ON), source="admin")
    assert changed_since(stamp + "Z") == {newcomer.pk, old.pk}
    assert changed_since((timezone.now() + datetime.timedelta(minutes=1)).isoformat()) == set()


def test_a_refund_is_a_change_the_roster_reports(setting, asu_token):
    from decimal import Decimal

    from checkout.models import LineKind, Order, OrderLine

    order = Order.objects.create(user=setting["ada"], total=Decimal("25"), status="paid")
    OrderLine.objects.create(
        order=order,
        microcredential=setting["pm"],
        kind=LineKind.ENROLMENT,
        description="PM",
        amount=Decimal("25"),
    )
    long_ago = timezone.now() - datetime.timedelta(days=3)
    Enrolment.objects.filter(pk=setting["enrolment"].pk).update(created_at=long_ago, order=order)
    cutoff = (timezone.now() - datetime.timedelta(minutes=1)).isoformat()
    client = api(asu_token)
    assert (
        client.get("/api/v1/enrolments/", {"credential": "ASU-PM-101", "since": cutoff}).json()["results"]
        == []
    )

    OrderLine.objects.update(refunded_at=timezone.now())
    Enrolment.objects.update(status=EnrolmentStatus.REVOKED)
    [entry] = client.get("/api/v1/enrolments/", {"credential": "ASU-PM-101", "since": cutoff}).json()[
        "results"
    ]
    assert entry["status"] == "revoked" and entry["changed_at"] > cutoff


BAD_ROSTER_QUERIES = [
    ({}, "credential"),
    ({"credential": "  "}, "credential"),
    ({"credential": "ASU-PM-101", "since": "yesterday"}, "since"),
    ({"credential": "ASU-PM-101", "since": "2026-13-01T00:00:00Z"}, "since"),
    ({"credential": "ASU-PM-101", "since": "9999-12-31T23:59:59-14:00"}, "since"),
    ({"credential": "ASU-PM-101", "page_size": "0"}, "page_size"),
    ({"credential": "ASU-PM-101", "page_size": "501"}, "page_size"),
    ({"credential": "ASU-PM-101", "page_size": "9" * 5000}, "page_size"),
    ({"credential": "ASU-PM-101", "cursor": "not-ours"}, "cursor"),
    ({"credential": "ASU-PM-101", "cursor": "MjAyNnwx"}, "cursor"),  # base64 of "2026|1"
]


def test_bad_roster_parameters_are_a_400_naming_the_parameter(setting, asu_token):
    for query, field in BAD_ROSTER_QUERIES:
        response = api(asu_token).get("/api/v1/enrolments/", query)
        assert response.status_code == 400, query
        assert list(response.json()["errors"]) == [field], query


def test_a_credential_of_another_partner_looks_exactly_like_an_unknown_one(setting, asu_token):
    client = api(asu_token)
    theirs = client.get("/api/v1/enrolments/", {"credential": "CCCS-MF-120"})
    unknown = client.get("/api/v1/enrolments/", {"credential": "NO-SUCH-1"})
    too_long = client.get("/api/v1/enrolments/", {"credential": "X" * 500})
    assert theirs.status_code == unknown.status_code == too_long.status_code == 404
    assert (
        theirs.json()
        == unknown.json()
        == too_long.json()
        == {"errors": {"credential": "No credential with this code."}}
    )
    # A token for all partners covers every partner.
    _, everything = IntegrationToken.issue("Registrar", all_partners=True)
    assert api(everything).get("/api/v1/enrolments/", {"credential": "CCCS-MF-120"}).status_code == 200


def test_a_token_whose_partners_were_all_removed_sees_nothing(setting, asu_token):
    """It used to fall back to "every partner": an empty partner list is no longer a scope."""
    row = IntegrationToken.objects.get(name="Canvas at ASU")
    row.partners.clear()  # as unticking them, or deleting the partner's page, does
    client = api(asu_token)
    for response in (
        client.get("/api/v1/enrolments/", {"credential": "ASU-PM-101"}),
        client.get("/api/v1/enrolments/", {"credential": "CCCS-MF-120"}),
        post(client, report()),
    ):
        assert response.status_code == 403
        assert "covers no partner" in response.json()["errors"]["Authorization"]
    assert not Completion.objects.exists()


def test_the_roster_only_answers_get(setting, asu_token):
    response = api(asu_token).post("/api/v1/enrolments/?credential=ASU-PM-101")
    assert response.status_code == 405 and response["Allow"] == "GET"
    assert "method" in response.json()["errors"]


# --- POST /api/v1/completions/ ---


def test_a_reported_completion_completes_the_enrolment(setting, asu_token):
    response = post(api(asu_token), report(result="  Distinction "))
    assert response.status_code == 201
    body = response.json()
    completion = Completion.objects.get()
    assert body == {
        "id": completion.pk,
        "learner_email": "ada@example.edu",
        "credential_code": "ASU-PM-101",
        "enrolment_id": setting["enrolment"].pk,
        "result": "Distinction",
        "completed_on": DONE_ON,
        "source": "api",
        "recorded_at": body["recorded_at"],
        "revoked_at": None,
    }
    assert completion.source == CompletionSource.API
    assert completion.reported_by_token.name == "Canvas at ASU" and completion.reported_by is None
    setting["enrolment"].refresh_from_db()
    assert setting["enrolment"].status == EnrolmentStatus.COMPLETED


def test_a_repeat_with_the_same_key_returns_the_first_answer(setting, asu_token):
    client = api(asu_token)
    first = post(client, report(), key="lms-attempt-77")
    # The same values, spaced and ordered differently, are the same body.
    spaced = json.dumps(dict(reversed(list(report().items()))), indent=2)
    again = post(client, spaced, key="lms-attempt-77")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Completion.objects.count() == IdempotencyRecord.objects.count() == 1


def test_the_same_key_with_another_body_is_a_409_and_changes_nothing(setting, asu_token):
    client = api(asu_token)
    post(client, report(), key="k")
    response = post(client, report(result="Fail"), key="k")
    assert response.status_code == 409
    assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert Completion.objects.get().result == "Pass" and IdempotencyRecord.objects.count() == 1


def test_keys_belong_to_their_token(setting, asu_token):
    _, other_token = IntegrationToken.issue("Moodle at ASU", partners=[setting["asu"]])
    post(api(asu_token), report(), key="shared-key")
    response = post(api(other_token), report(result="Fail"), key="shared-key")
    # Not a 409: another integration's key. The completion exists already, so it is returned.
    assert response.status_code == 200 and response.json()["result"] == "Pass"


def test_a_completion_already_recorded_by_any_route_is_returned_not_repeated(setting, asu_token):
    completion, _ = record_completion(
        setting["enrolment"], result="Pass", completed_on=datetime.date.fromisoformat(DONE_ON), source="csv"
    )
    response = post(api(asu_token), report(result="Fail"), key="new-key")
    assert response.status_code == 200
    assert response.json()["id"] == completion.pk and response.json()["source"] == "csv"
    assert response.json()["result"] == "Pass"
    assert Completion.objects.count() == 1
    # The answer is kept for the key like any other: a repeat is the same 200.
    assert post(api(asu_token), report(result="Fail"), key="new-key").json() == response.json()


BAD_REPORTS = [
    ({"learner_email": "nobody@example.edu"}, 404, "learner_email"),
    ({"credential_code": "ASU-DA-110"}, 404, "learner_email"),  # Ada is not enrolled in it
    ({"credential_code": "NO-SUCH-1"}, 404, "credential_code"),
    ({"credential_code": "CCCS-MF-120"}, 404, "credential_code"),  # another partner's
    ({"completed_on": "28/11/2026"}, 400, "completed_on"),
    ({"completed_on": "2026-02-30"}, 400, "completed_on"),
    ({"completed_on": "2026-11-28T10:00:00"}, 400, "completed_on"),
    ({"completed_on": "3026-01-01"}, 400, "completed_on"),
    ({"completed_on": 20261128}, 400, "completed_on"),
    ({"result": ""}, 400, "result"),
    ({"result": "x" * 101}, 400, "result"),
    ({"result": ["Pass"]}, 400, "result"),
    ({"result": None}, 400, "result"),
    ({"learner_email": 42}, 400, "learner_email"),
    ({"learner_email": "a" * 300 + "@example.edu"}, 400, "learner_email"),
    ({"learner_email": "ada\x00@example.edu"}, 400, "learner_email"),
    ({"credential_code": "ASU\ud800"}, 400, "credential_code"),
    ({"credential_code": "C" * 31}, 400, "credential_code"),
    ({"grade": "A"}, 400, "grade"),
]


def test_a_bad_report_is_a_4xx_naming_the_field_and_writes_nothing(setting, asu_token):
    for changes, status, field in BAD_REPORTS:
        response = post(api(asu_token), report(**changes))
        assert response.status_code == status, (changes, response.content)
        assert list(response.json()["errors"]) == [field], changes
    assert nothing_written()
    setting["enrolment"].refresh_from_db()
    assert setting["enrolment"].status == EnrolmentStatus.ACTIVE


def test_a_missing_field_is_named(setting, asu_token):
    for missing in ("learner_email", "credential_code", "result", "completed_on"):
        body = report()
        del body[missing]
        response = post(api(asu_token), body)
        assert response.status_code == 400
        assert response.json() == {"errors": {missing: "This field is required."}}
    assert nothing_written()


NOT_JSON_OBJECTS = [
    ("", 400),
    ("not json", 400),
    ("[1, 2]", 400),
    ('"a string"', 400),
    ("null", 400),
    (b"\xff\xfe{}", 400),
    ("[" * 5000 + "]" * 5000, 400),  # deeper than Python's json parser can go
    ('{"learner_email": "' + "a" * 20000 + '"}', 413),
]


def test_a_body_that_is_not_a_json_object_is_refused(setting, asu_token):
    for body, status in NOT_JSON_OBJECTS:
        response = post(api(asu_token), body)
        assert response.status_code == status, body[:20]
        assert list(response.json()["errors"]) == ["body"]
    assert nothing_written()


def test_a_missing_or_odd_idempotency_key_is_a_400(setting, asu_token):
    for key in (None, "", "   ", "k" * 256, "clé", "tab\there", "nul\x00"):
        response = post(api(asu_token), report(), key=key)
        assert response.status_code == 400, key
        assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert nothing_written()


def test_a_refunded_enrolment_is_a_409(setting, asu_token):
    Enrolment.objects.update(status=EnrolmentStatus.REVOKED)
    response = post(api(asu_token), report())
    assert response.status_code == 409
    assert response.json() == {
        "errors": {"learner_email": "This enrolment was refunded, so it cannot be completed."}
    }
    assert nothing_written()


def test_nothing_is_half_written_when_the_idempotency_record_cannot_be_stored(
    setting, asu_token, monkeypatch
):
    # A failure after the completion (here: storing the key's answer) rolls the completion back too.
    def refuse(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(IdempotencyRecord.objects, "create", refuse)
    with pytest.raises(RuntimeError):
        post(api(asu_token), report())
    assert nothing_written()
    setting["enrolment"].refresh_from_db()
    assert setting["enrolment"].status == EnrolmentStatus.ACTIVE


def test_the_api_needs_no_csrf_token_and_accepts_the_address_without_its_slash(setting, asu_token):
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {asu_token}")
    response = client.post(
        "/api/v1/completions",
        data=json.dumps(report()),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="x1",
    )
    assert response.status_code == 201
    assert client.get("/api/v1/enrolments?credential=ASU-PM-101").status_code == 200
    assert client.get("/api/v1/completions/").status_code == 405
