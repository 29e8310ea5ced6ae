"""The partner dashboard's demo data: the demo partners' agreements and sales history (plain
`seed_demo`) and the volume partner (`seed_demo --dashboard-volume`), each made once."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from checkout.models import CreditStatus, Enrolment, EnrolmentStatus, LineKind, Order, OrderLine, OrderStatus
from devtools.demo.revenue import months_before
from devtools.demo.volume import ensure_dashboard_volume, volume_learner_email
from issuance.models import Completion
from partner_dashboard import figures
from partner_dashboard.models import RevenueAgreement
from partners.models import PartnerPage
from tests.devtools.test_seed_demo import snapshot
from tests.partners.conftest import make_partner_user

pytestmark = pytest.mark.django_db


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def agreements_of(slug):
    return [
        (
            agreement.share_percent,
            {o.microcredential.short_code: o.share_percent for o in agreement.overrides.all()},
        )
        for agreement in RevenueAgreement.objects.filter(partner__slug=slug).order_by("effective_from")
    ]


def test_the_demo_partners_have_agreements_one_changed_part_way():
    out = seed("--learners", "0")
    assert "+ revenue agreement Arizona State University: 60% from" in out
    assert agreements_of("arizona-state-university") == [
        (60, {"ASU-BDA-110": 70}),
        (62.5, {"ASU-BDA-110": 70}),
    ]
    assert agreements_of("suny-empire-state-university") == [(55, {})]
    assert agreements_of("colorado-community-college-system") == [(50, {}), (55, {"CCCS-MFG-103": 65})]
    # The change falls inside the sales history, which starts 18 months back.
    asu = RevenueAgreement.objects.filter(partner__slug="arizona-state-university").order_by("effective_from")
    today = timezone.localdate()
    assert asu[0].effective_from == months_before(today, 24)
    assert months_before(today, 17) < asu[1].effective_from <= today


def test_asu_dashboard_and_statements_show_sales_refunds_and_credit_over_past_months():
    out = seed()
    assert "Demo sales history: created" in out
    asu = PartnerPage.objects.get(slug="arizona-state-university")
    today = timezone.localdate()
    result = figures.dashboard(asu, months_before(today, 17), today)
    totals = result.totals
    assert totals.enrolments > 50 and totals.credit_conversions > 5 and totals.refunded_lines > 3
    assert totals.completions > 0 and totals.issued > 0 and totals.claimed > 0 and totals.shared > 0
    assert 0 < totals.refund_cents < totals.gross_cents and 0 < totals.share_cents < totals.net_cents
    assert sum(1 for month in result.series if month.enrolments) >= 15  # spread over the months
    months = figures.monthly_totals(asu, months_before(today, 17), months_before(today, 1))
    assert sum(1 for month in months.values() if month.refunded_lines) >= 3
    # A statement across the agreement change shows both rates.
    rates = set()
    for month in months:
        rates |= {line.share_percent for line in figures.statement(asu, month).lines if line.kind == "Sale"}
    assert {60, 62.5, 70} <= rates
    # What was written is what checkout would have left: refunded orders, revoked enrolments.
    refunded = Order.objects.filter(user__email__startswith="demo-buyer", status=OrderStatus.REFUNDED)
    assert refunded.exists() and not refunded.filter(lines__refunded_at__isnull=True).exists()
    for order in refunded.prefetch_related("lines", "history", "refunds"):
        assert [event.kind for event in order.history.all()] == ["status_change", "refund"]
        assert order.refunds.get().amount == order.total == sum(line.amount for line in order.lines.all())
    revoked = Enrolment.objects.filter(order__in=refunded, order__lines__kind=LineKind.ENROLMENT)
    assert set(revoked.values_list("status", flat=True)) == {EnrolmentStatus.REVOKED}


def test_the_dashboard_volume_is_made_once():
    seed("--learners", "0")
    out = seed(
        "--learners", "0", "--dashboard-volume", "--dashboard-credentials", "12", "--dashboard-orders", "300"
    )
    assert "Dashboard volume: added 12 credentials, 2 agreements and 75 learners, 300 paid orders" in out
    partner = PartnerPage.objects.get(slug="volume-test-university")
    assert Page.find_problems() == ([], [], [], [], [])
    assert partner.get_children().live().count() == 12
    orders = Order.objects.filter(user__email__startswith="volume-learner")
    assert orders.count() == 300 and orders.filter(paid_at__isnull=False).count() == 300
    lines = OrderLine.objects.filter(order__in=orders)
    assert set(lines.values_list("microcredential__provider", flat=True)) == {partner.pk}
    assert lines.filter(kind=LineKind.CREDIT_CONVERSION).exists()
    assert 0 < lines.filter(refunded_at__isnull=False).count() < lines.count() * 0.1
    assert Enrolment.objects.filter(
        credit_status=CreditStatus.PURCHASED, user__email__endswith="example.org"
    ).exists()
    start = timezone.now() - datetime.timedelta(days=731)
    assert (
        not orders.filter(paid_at__lt=start).exists()
        and not orders.filter(paid_at__gt=timezone.now()).exists()
    )
    completions = Completion.objects.filter(learner__email__startswith="volume-learner")
    assert completions.exclude(credential_url="").filter(claim_count__gt=0, share_count__gt=0).exists()
    assert RevenueAgreement.objects.filter(partner=partner).count() == 2

    before = snapshot()
    out = seed(
        "--learners", "0", "--dashboard-volume", "--dashboard-credentials", "12", "--dashboard-orders", "300"
    )
    assert "Dashboard volume already present" in out
    assert snapshot() == before


def test_bad_volume_options_are_refused():
    with pytest.raises(CommandError, match="--dashboard-credentials must be at least 5"):
        seed("--dashboard-volume", "--dashboard-credentials", "2")


def test_the_dashboards_query_count_does_not_grow_with_the_volume(client, catalog):
    """From 20 credentials and 500 orders to 60 and 2,000, every dashboard page makes the same
    number of queries (the benchmark times them at 500 and 100,000: docs/PERFORMANCE.md)."""
    small = ensure_dashboard_volume(credentials=20, orders=500)
    partner = small.partner
    editor = make_partner_user(partner, "editor", "volume-editor@example.org")
    client.force_login(editor, backend="accounts.backends.EmailBackend")
    today = timezone.localdate()
    last_month = months_before(today, 1)
    dashboard = reverse("partner_dashboard:partner", args=[partner.pk])
    statement = [partner.pk, last_month.year, last_month.month]
    urls = [
        dashboard,
        f"{dashboard}?start={months_before(today, 23)}&end={today}",
        reverse("partner_dashboard:statements", args=[partner.pk]),
        reverse("partner_dashboard:statement", args=statement),
        reverse("partner_dashboard:statement_csv", args=statement),
    ]

    def counts():
        result = []
        for url in urls:
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
                assert response.status_code == 200
                if response.streaming:
                    b"".join(response.streaming_content)
            result.append(len(queries))
        return result

    before = counts()
    ensure_dashboard_volume(credentials=60, orders=2000)
    assert Order.objects.filter(user__email=volume_learner_email(500)).exists()  # grown
    assert counts() == before
