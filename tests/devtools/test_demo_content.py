"""The demo's words agree with its numbers: what a pathway's copy says it takes (courses,
badges, credit hours) is what the page computes beside it (PathwayPage.get_totals)."""

import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from catalog.credit_hours import credit_hours_phrase
from catalog.models import MicrocredentialPage, PathwayPage
from checkout.services import price_lines

pytestmark = pytest.mark.django_db

WORDS = "one two three four five six seven eight nine ten eleven twelve".split()
NUMBER = r"(\d+(?:\.\d+)?|" + "|".join(WORDS) + ")"
# "Four courses", "Three employer-designed badges": a number, up to two words, a credential noun.
CREDENTIALS = re.compile(
    NUMBER + r"\s+(?:[\w-]+\s+){0,2}?(?:courses?|credentials?|badges?|microcredentials?)\b", re.I
)
# "12 ASU credit hours", "nine credit hours".
CREDIT_HOURS = re.compile(NUMBER + r"\s+(?:[\w-]+\s+)?credit hours?\b", re.I)


def number(text):
    text = text.lower()
    return Decimal(WORDS.index(text) + 1) if text in WORDS else Decimal(text)


def claims(pathway):
    copy = " ".join([pathway.title, pathway.intro, pathway.outcome_description, str(pathway.body)])
    return (
        [number(match) for match in CREDENTIALS.findall(copy)],
        [number(match) for match in CREDIT_HOURS.findall(copy)],
    )


def test_claims_are_read_from_copy():
    page = PathwayPage(
        title="T",
        intro="Four courses, then Three employer-designed badges.",
        outcome_description="A certificate and 12 ASU credit hours",
    )
    assert claims(page) == ([4, 3], [12])


def test_every_demo_pathway_says_what_its_totals_are(client):
    call_command("seed_demo", learners=0, stdout=StringIO())
    checked = 0
    for pathway in PathwayPage.objects.live():
        totals = pathway.get_totals()
        credential_claims, credit_claims = claims(pathway)
        for claimed in credential_claims:
            assert claimed == totals.credential_count, (pathway.title, claimed, totals.credential_count)
        for claimed in credit_claims:
            assert claimed == totals.credit_hours, (pathway.title, claimed, totals.credit_hours)
        checked += len(credential_claims) + len(credit_claims)
        page = client.get(pathway.url).content.decode()
        assert f"<dt>Credentials</dt><dd>{totals.credential_count}</dd>" in page
    assert checked >= 3  # the ASU and CCCS pathways do make such claims


def test_order_lines_write_credit_hours_as_pages_do():
    credential = MicrocredentialPage(
        title="Spreadsheets", short_code="X-1", price=Decimal("25"), credit_eligible=True,
        credit_hours=Decimal("3.0"), credit_conversion_fee=Decimal("400"),
    )  # fmt: skip
    credential.credit_granting_institution_id = 1
    lines = price_lines(credential, include_credit=True)
    assert lines[1].description == "Academic credit: 3 credit hours for Spreadsheets"
    assert credit_hours_phrase(Decimal("1.0")) == "1 credit hour"
    assert credit_hours_phrase(Decimal("1.5")) == "1.5 credit hours"
    assert credit_hours_phrase(None) == "credit hours"
