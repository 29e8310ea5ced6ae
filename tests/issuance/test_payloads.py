"""The webhook body: who, what, when, the co-branding partners, and an Open Badges 3.0
AchievementCredential that the official JSON Schema accepts, for every kind of event."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft201909Validator
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from checkout.models import Enrolment
from issuance.models import Delivery, EventType
from issuance.services import revoke_completion_of
from tests.builders import make_credential, make_partner, make_pathway

from .conftest import complete

SCHEMA = json.loads(
    (Path(__file__).parent / "schemas" / "ob_v3p0_achievementcredential_schema.json").read_text()
)
VALIDATOR = Draft201909Validator(SCHEMA, format_checker=Draft201909Validator.FORMAT_CHECKER)

pytestmark = pytest.mark.django_db


def schema_errors(credential):
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(credential)]


@pytest.fixture
def credential(partner, catalog, framework):
    _, competencies = framework
    competencies[0].case_uri = "https://case.example.org/uri/T1"
    competencies[0].save()
    employer = make_partner(catalog, title="Front Range Manufacturing Alliance", kind="employer")
    badge = get_image_model().objects.create(title="Badge", file=get_test_image_file("badge.png"))
    return make_credential(
        partner,
        competencies[:2],
        cobrands=[employer],
        title="Data Cleaning",
        short_code="ASU-DC-101",
        summary="Clean and join tabular data.",
        assessment_description="A graded project on a messy data set.",
        badge_image=badge,
    )


@pytest.fixture
def payloads(partner, learner, endpoint, credential, framework):
    """One delivery of each kind: credential.completed, pathway.completed, credential.revoked."""
    second = make_credential(partner, framework[1][2:3], title="Dashboards")
    make_pathway(partner, [(credential, True), (second, True)], title="Data Analyst Pathway")
    completion, _ = complete(learner, credential, result="92%")
    complete(learner, second)
    revoke_completion_of(Enrolment.objects.get(microcredential=second))
    deliveries = Delivery.objects.all()
    return {
        EventType.CREDENTIAL_COMPLETED: deliveries.get(completion=completion).payload,
        EventType.PATHWAY_COMPLETED: deliveries.get(event_type=EventType.PATHWAY_COMPLETED).payload,
        EventType.CREDENTIAL_REVOKED: deliveries.get(event_type=EventType.CREDENTIAL_REVOKED).payload,
    }


def test_every_event_kind_carries_a_valid_ob3_achievement_credential(payloads):
    assert set(payloads) == {
        EventType.CREDENTIAL_COMPLETED,
        EventType.PATHWAY_COMPLETED,
        EventType.CREDENTIAL_REVOKED,
    }
    for kind, payload in payloads.items():
        assert payload["type"] == kind
        assert schema_errors(payload["credential"]) == [], kind


def test_the_schema_check_is_real(payloads):
    broken = json.loads(json.dumps(payloads[EventType.CREDENTIAL_COMPLETED]["credential"]))
    broken["type"] = "AchievementCredential"  # a string, not an array
    del broken["credentialSubject"]["achievement"]["criteria"]
    broken["credentialSubject"]["achievement"]["alignment"][0]["type"] = ["Alignment"]
    del broken["credentialSubject"]["achievement"]["alignment"][0]["targetUrl"]
    errors = schema_errors(broken)
    assert any(e.startswith("type:") for e in errors)
    assert any("criteria" in e for e in errors) and any("targetUrl" in e for e in errors)


def test_the_completed_credential_describes_the_microcredential(payloads, partner, framework):
    payload = payloads[EventType.CREDENTIAL_COMPLETED]
    assert payload["learner"] == {"name": "Ada Lovelace", "email": "ada@example.edu"}
    assert payload["completion"]["result"] == "92%" and payload["completion"]["completed_on"] == "2026-11-02"
    credential = payload["credential"]
    assert credential["type"] == ["VerifiableCredential", "AchievementCredential"]
    assert credential["issuer"]["type"] == ["Profile"] and credential["issuer"]["name"] == partner.title
    assert credential["validFrom"] == "2026-11-02T00:00:00Z"
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["identifier"][0]["identityHash"] == "ada@example.edu"
    assert subject["result"] == [{"type": ["Result"], "value": "92%", "status": "Completed"}]
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["achievementType"] == "MicroCredential"
    assert (achievement["name"], achievement["description"]) == (
        "Data Cleaning",
        "Clean and join tabular data.",
    )
    assert achievement["humanCode"] == "ASU-DC-101"
    assert achievement["criteria"]["narrative"] == "A graded project on a messy data set."
    assert achievement["criteria"]["id"] == achievement["id"] == payload["subject"]["url"]
    assert achievement["image"]["type"] == "Image" and achievement["image"]["id"].startswith(
        "http://testserver/"
    )
    assert achievement["creator"]["name"] == partner.title
    first, second = framework[1][:2]
    assert achievement["alignment"] == [
        {
            "type": ["Alignment"],
            "targetType": "CFItem",
            "targetName": first.full_statement,
            "targetUrl": "https://case.example.org/uri/T1",
            "targetFramework": "Test Framework",
            "targetCode": "T.1",
        },
        {
            "type": ["Alignment"],
            "targetType": "CFItem",
            "targetName": second.full_statement,
            "targetUrl": f"http://testserver/skills/?competency={second.pk}",
            "targetFramework": "Test Framework",
            "targetCode": "T.2",
        },
    ]


def test_the_partners_are_there_for_co_branding(payloads, partner):
    partners = payloads[EventType.CREDENTIAL_COMPLETED]["partners"]
    assert [(p["name"], p["role"]) for p in partners] == [
        (partner.title, "offering"),
        ("Front Range Manufacturing Alliance", "co_developer"),
    ]
    assert partners[0]["brand_colour"] == "#8C1D40" and partners[1]["kind"] == "employer"


def test_the_pathway_credential_aligns_to_every_step_competency(payloads, framework):
    payload = payloads[EventType.PATHWAY_COMPLETED]
    assert payload["subject"]["kind"] == "pathway"
    achievement = payload["credential"]["credentialSubject"]["achievement"]
    assert achievement["name"] == "Data Analyst Pathway" and achievement["achievementType"] == "Certificate"
    assert [a["targetCode"] for a in achievement["alignment"]] == ["T.1", "T.2", "T.3"]


def test_the_revocation_names_the_same_credential(payloads):
    revoked = payloads[EventType.CREDENTIAL_REVOKED]
    assert revoked["completion"]["revoked_at"] is not None
    assert revoked["timestamp"] == revoked["completion"]["revoked_at"]
    completed = Delivery.objects.get(
        event_type=EventType.CREDENTIAL_COMPLETED, completion_id=revoked["completion"]["id"]
    ).payload
    assert revoked["credential"]["id"] == completed["credential"]["id"]
    assert revoked["credential"]["id"].startswith("urn:uuid:")
