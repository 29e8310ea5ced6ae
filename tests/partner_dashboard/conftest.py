"""A partner's year of sales, small enough to add up by hand (test_revenue.py does).

Arizona State University offers Spreadsheets for Business ($25, credit conversion $400) and
Data Literacy ($19.99), and a free taster. Its first agreement (1 Jan 2026) gives it 60%, and
70% of Data Literacy; a new agreement from 15 March 2026 gives it 62.5% of everything. Colorado
Community College System sells too, and must never show in ASU's figures.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from issuance.models import Completion
from partner_dashboard.models import AgreementOverride, RevenueAgreement
from tests.builders import make_credential, make_learner, make_partner, make_sale, refund_lines


def at(year, month, day, hour=12, minute=0, second=0):
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute, second))


@pytest.fixture
def asu(catalog):
    return make_partner(catalog, title="Arizona State University")


@pytest.fixture
def cccs(catalog):
    return make_partner(catalog, title="Colorado Community College System", kind="college")


@pytest.fixture
def spreadsheets(asu):
    return make_credential(
        asu,
        title="Spreadsheets for Business",
        short_code="ASU-SPR",
        price=Decimal("25.00"),
        credit_eligible=True,
        credit_hours=Decimal("3"),
        credit_conversion_fee=Decimal("400.00"),
        credit_granting_institution=asu,
    )


@pytest.fixture
def data_literacy(asu):
    return make_credential(asu, title="Data Literacy", short_code="ASU-DAT", price=Decimal("19.99"))


@pytest.fixture
def taster(asu):
    return make_credential(asu, title="Career Taster", short_code="ASU-TST", price=Decimal("0"))


@pytest.fixture
def agreements(asu, data_literacy):
    first = RevenueAgreement.objects.create(
        partner=asu, effective_from=datetime.date(2026, 1, 1), share_percent=60
    )
    AgreementOverride.objects.create(agreement=first, microcredential=data_literacy, share_percent=70)
    second = RevenueAgreement.objects.create(
        partner=asu, effective_from=datetime.date(2026, 3, 15), share_percent=Decimal("62.5")
    )
    return first, second


@pytest.fixture
def year_of_sales(asu, cccs, spreadsheets, data_literacy, taster, agreements):
    """The sales behind the hand-computed figures in test_revenue.py."""
    from checkout.models import Enrolment

    learners = [make_learner() for _ in range(6)]
    sales = {}
    sales["feb"] = make_sale(
        learners[0],
        [(spreadsheets, "enrolment", "25.00"), (spreadsheets, "credit_conversion", "400.00")],
        at(2026, 2, 10),
    )
    sales["mar1"] = make_sale(learners[1], [(data_literacy, "enrolment", "19.99")], at(2026, 3, 1))
    # The last second under the first agreement, and the first under the second.
    sales["mar14"] = make_sale(
        learners[2], [(spreadsheets, "enrolment", "25.00")], at(2026, 3, 14, 23, 59, 59)
    )
    sales["mar15"] = make_sale(
        learners[3],
        [(spreadsheets, "enrolment", "25.00"), (spreadsheets, "credit_conversion", "400.00")],
        at(2026, 3, 15, 0, 0, 0),
    )
    sales["mar20"] = make_sale(learners[4], [(data_literacy, "enrolment", "19.99")], at(2026, 3, 20))
    # Not sales: an order never paid, and another partner's.
    make_sale(learners[5], [(spreadsheets, "enrolment", "25.00")], None, status="pending")
    other = make_credential(cccs, title="Welding Basics", short_code="CCCS-WLD", price=Decimal("99.00"))
    make_sale(learners[5], [(other, "enrolment", "99.00")], at(2026, 3, 10))
    # Refunds: February's credit conversion in March; 20 March's sale in April.
    refund_lines([sales["feb"][1]], at(2026, 3, 5))
    refund_lines(sales["mar20"], at(2026, 4, 2))
    # A free enrolment (no order) in March; two completions, one issued, claimed and shared.
    Enrolment.objects.create(user=learners[0], microcredential=taster, created_at=at(2026, 3, 3))
    for learner, order_lines, completed_on, url in [
        (learners[2], sales["mar14"], datetime.date(2026, 3, 30), ""),
        (learners[3], sales["mar15"], datetime.date(2026, 4, 10), "https://badges.example.org/c/1"),
    ]:
        enrolment = Enrolment.objects.create(
            user=learner,
            microcredential=spreadsheets,
            order=order_lines[0].order,
            created_at=order_lines[0].order.paid_at,
        )
        Completion.objects.create(
            learner=learner,
            enrolment=enrolment,
            completed_on=completed_on,
            source="admin",
            credential_url=url,
            claim_count=1 if url else 0,
            share_count=2 if url else 0,
        )
    return sales
