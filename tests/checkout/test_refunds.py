"""Refunds from the Wagtail admin, against real payments in localstripe: the Stripe refund is
made, the enrolment revoked (or the credit reverted), the order's state follows, the action is in
Wagtail's audit log — and a refund that cannot be made changes nothing."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from checkout.models import CreditStatus, Enrolment, EnrolmentStatus, LineKind, Order, OrderStatus, Refund
from checkout.payments import ensure_payment_intent, fulfil_from_payment_intent, stripe_client
from checkout.refunds import RefundError, refund
from checkout.services import create_credit_order, create_order
from tests.checkout.test_payments import pay_in_browser

pytestmark = pytest.mark.django_db


def paid(order):
    intent = ensure_payment_intent(order)
    pay_in_browser(intent.id)
    fulfil_from_payment_intent(intent.id)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    return order


@pytest.fixture
def order_with_credit(learner, course):
    return paid(create_order(learner, course.pk, include_credit=True))


@pytest.fixture
def staff(client, site_tree):
    admin = get_user_model().objects.create_superuser(email="staff@example.edu", password="pw")
    client.force_login(admin)
    return client


def refunds_in_stripe(order):
    return [
        r.amount
        for r in stripe_client().v1.refunds.list(params={"payment_intent": order.payment_intent_id}).data
    ]


def line(order, kind):
    return order.lines.get(kind=kind)


def test_whole_order_refund_from_the_admin(staff, order_with_credit):
    order = order_with_credit
    inspect = staff.get(reverse("orders:inspect", args=[order.pk])).content.decode()
    refund_url = reverse("orders:refund", args=[order.pk])
    assert refund_url in inspect
    form = staff.get(refund_url).content.decode()
    assert "Spreadsheets for Business" in form and "$400" in form

    response = staff.post(
        refund_url,
        {
            "lines": [str(pk) for pk in order.lines.values_list("pk", flat=True)],
            "reason": "Learner asked within 14 days",
        },
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED and refunds_in_stripe(order) == [42500]
    enrolment = Enrolment.objects.get()
    assert enrolment.status == EnrolmentStatus.REVOKED and enrolment.credit_status == CreditStatus.REVERTED
    record = Refund.objects.get()
    assert record.amount == Decimal("425.00") and record.stripe_refund_id.startswith("re_")
    entry = ModelLogEntry.objects.get(action="checkout.refund", object_id=str(order.pk))
    assert entry.user.email == "staff@example.edu" and entry.data["reason"] == "Learner asked within 14 days"
    assert "Refunded $425" in entry.message
    # The order's history has the payment and the refund, with who did them.
    assert list(order.history.values_list("kind", "from_status", "to_status", "user__email")) == [
        ("status_change", "pending", "paid", None),
        ("refund", "paid", "refunded", "staff@example.edu"),
    ]
    note = order.history.get(kind="refund").note
    assert note.startswith("$425 refunded (re_") and "Reason: Learner asked within 14 days" in note
    assert "Paid → Refunded" in staff.get(reverse("orders:inspect", args=[order.pk])).content.decode()
    # Nothing left to refund: no button, and the form says so.
    assert refund_url not in staff.get(reverse("orders:inspect", args=[order.pk])).content.decode()
    assert "already been refunded" in staff.get(refund_url).content.decode()


def test_credit_only_refund_reverts_credit_and_keeps_the_enrolment(staff, order_with_credit, learner):
    order = order_with_credit
    credit = line(order, LineKind.CREDIT_CONVERSION)
    staff.post(
        reverse("orders:refund", args=[order.pk]),
        {"lines": [str(credit.pk)], "reason": "Changed mind about credit"},
    )
    order.refresh_from_db()
    enrolment = Enrolment.objects.get()
    assert order.status == OrderStatus.PARTIALLY_REFUNDED and refunds_in_stripe(order) == [40000]
    assert enrolment.status == EnrolmentStatus.ACTIVE and enrolment.credit_status == CreditStatus.REVERTED

    # The learner may buy credit again later; the rest of the order can still be refunded.
    assert create_credit_order(learner, enrolment.microcredential_id).total == Decimal("400.00")
    enrol = line(order, LineKind.ENROLMENT)
    staff.post(reverse("orders:refund", args=[order.pk]), {"lines": [str(enrol.pk)], "reason": "Withdrew"})
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED and sorted(refunds_in_stripe(order)) == [2500, 40000]
    assert list(order.history.filter(kind="refund").values_list("from_status", "to_status")) == [
        ("paid", "partially_refunded"),
        ("partially_refunded", "refunded"),
    ]
    assert Enrolment.objects.get().status == EnrolmentStatus.REVOKED
    receipt_client = Client()
    receipt_client.force_login(learner)
    receipt = receipt_client.get(reverse("checkout:receipt", args=[order.number])).content.decode()
    assert "(refunded)" in receipt and "−$400" in receipt and "−$25" in receipt


def test_enrolment_refund_while_credit_stays_is_refused_and_changes_nothing(staff, order_with_credit):
    order = order_with_credit
    enrol = line(order, LineKind.ENROLMENT)
    response = staff.post(
        reverse("orders:refund", args=[order.pk]), {"lines": [str(enrol.pk)], "reason": "x"}
    )
    assert response.status_code == 200 and "refund the credit conversion first" in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and refunds_in_stripe(order) == [] and not Refund.objects.exists()
    assert Enrolment.objects.get().status == EnrolmentStatus.ACTIVE
    assert not order.history.filter(kind="refund").exists()


def test_bad_refund_requests_change_nothing(staff, order_with_credit, learner, course):
    order = order_with_credit
    url = reverse("orders:refund", args=[order.pk])
    all_lines = [str(pk) for pk in order.lines.values_list("pk", flat=True)]
    assert "This field is required" in staff.post(url, {"lines": all_lines, "reason": "  "}).content.decode()
    assert "Choose what to refund" in staff.post(url, {"reason": "x"}).content.decode()
    assert "Select a valid choice" in staff.post(url, {"lines": ["999999"], "reason": "x"}).content.decode()
    assert staff.get(reverse("orders:refund", args=[999999])).status_code == 404
    assert not Refund.objects.exists() and refunds_in_stripe(order) == []

    with pytest.raises(RefundError, match="Some of the chosen lines are not on this order"):
        refund(order, [999999], "x", None)
    unpaid = create_order(get_user_model().objects.create_user(email="b@example.org"), course.pk)
    with pytest.raises(RefundError, match="only paid orders"):
        refund(unpaid, [unpaid.lines.get().pk], "x", None)
    refund(order, all_lines, "first", None)
    with pytest.raises(RefundError, match="only paid orders"):
        refund(Order.objects.get(pk=order.pk), all_lines, "again", None)
    assert refunds_in_stripe(order) == [42500]


def test_stripe_refusing_the_refund_changes_nothing(order_with_credit):
    order = order_with_credit
    Order.objects.filter(pk=order.pk).update(payment_intent_id="pi_doesnotexist")
    order.refresh_from_db()
    with pytest.raises(RefundError, match="Stripe did not make the refund"):
        refund(order, [line(order, LineKind.CREDIT_CONVERSION).pk], "x", None)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and not Refund.objects.exists()
    assert Enrolment.objects.get().credit_status == CreditStatus.PURCHASED


def test_refunded_learner_can_enrol_again(order_with_credit, learner, course):
    order = order_with_credit
    refund(order, order.lines.values_list("pk", flat=True), "withdrew", None)
    again = paid(create_order(learner, course.pk))
    assert Enrolment.objects.get().status == EnrolmentStatus.ACTIVE and Enrolment.objects.get().order == again


def test_only_staff_allowed_to_refund_can(order_with_credit, site_tree):
    url = reverse("orders:refund", args=[order_with_credit.pk])
    editor = get_user_model().objects.create_user(email="editor@example.edu", password="pw")
    group = Group.objects.create(name="Sales viewers")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="view_order")
    )
    editor.groups.add(group)
    client = Client()
    client.force_login(editor)
    assert client.get(reverse("orders:inspect", args=[order_with_credit.pk])).status_code == 200
    assert url not in client.get(reverse("orders:inspect", args=[order_with_credit.pk])).content.decode()
    # Wagtail's admin answers PermissionDenied with a redirect to the dashboard and a message.
    denied = client.post(url, {"lines": [str(order_with_credit.lines.first().pk)], "reason": "x"})
    assert denied.status_code == 302 and denied.url == reverse("wagtailadmin_home")
    assert not Refund.objects.exists() and refunds_in_stripe(order_with_credit) == []

    group.permissions.add(Permission.objects.get(codename="refund_order"))
    editor = get_user_model().objects.get(pk=editor.pk)  # permissions are cached per user object
    client.force_login(editor)
    assert client.get(url).status_code == 200
    assert url in client.get(reverse("orders:index")).content.decode()


def test_refund_form_enforces_csrf(order_with_credit, site_tree):
    admin = get_user_model().objects.create_superuser(email="staff@example.edu", password="pw")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin)
    response = strict.post(
        reverse("orders:refund", args=[order_with_credit.pk]), {"lines": [], "reason": "x"}
    )
    assert response.status_code == 403 and not Refund.objects.exists()


def test_a_refund_recorded_meanwhile_under_the_same_stripe_refund_is_not_recorded_twice(
    order_with_credit, monkeypatch
):
    """Stripe is asked outside the order's lock. Its webhook (or a second click, which Stripe
    answers with the same refund for the same idempotency key) may record the refund first."""
    from checkout import refunds

    order = order_with_credit
    real = refunds._refund_in_stripe

    def stripe_then_webhook(*args):
        made = real(*args)
        refunds.apply_refunds_from_stripe(
            order.payment_intent_id, refunds.list_refunds(order.payment_intent_id)
        )
        return made

    monkeypatch.setattr(refunds, "_refund_in_stripe", stripe_then_webhook)
    staff = get_user_model().objects.create_user(email="staff@example.edu")
    record = refund(order, order.lines.values_list("pk", flat=True), "Learner withdrew", staff)

    order.refresh_from_db()
    assert Refund.objects.get() == record and order.status == OrderStatus.REFUNDED
    assert refunds_in_stripe(order) == [42500] and not order.needs_review
    assert order.history.filter(kind="note", user=staff, note__contains="Learner withdrew").exists()


def test_lines_refunded_meanwhile_by_another_refund_flag_the_order(order_with_credit, monkeypatch):
    """Two staff members refund the same lines at once against a Stripe that ignores idempotency
    keys (localstripe does): the second refund Stripe made is not lost from view."""
    from checkout import refunds

    order = order_with_credit
    real = refunds._refund_in_stripe
    lines = list(order.lines.values_list("pk", flat=True))

    def other_staff_member_first(*args):
        monkeypatch.setattr(refunds, "_refund_in_stripe", real)
        refund(Order.objects.get(pk=order.pk), lines, "first", None)
        return real(*args)

    monkeypatch.setattr(refunds, "_refund_in_stripe", other_staff_member_first)
    with pytest.raises(RefundError, match="flagged for review"):
        refund(order, lines, "second", None)

    order.refresh_from_db()
    assert refunds_in_stripe(order) == [42500, 42500] and Refund.objects.count() == 1
    assert order.status == OrderStatus.REFUNDED and order.needs_review
    [note] = order.history.filter(kind="flagged").values_list("note", flat=True)
    assert "could not be recorded" in note and "refunded twice" in note
