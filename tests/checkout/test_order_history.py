"""Orders keep their history: every status change, refund, flag for review and staff note is a row
saying who, when, from which status to which, and why — and nothing later overwrites it."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from checkout.models import InvalidTransition, Order, OrderEvent, OrderEventKind, OrderStatus
from checkout.services import create_order, fulfil_order
from tests.builders import make_paid_course
from tests.checkout.conftest import review_notes

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(learner, partner, framework):
    return create_order(learner, make_paid_course(partner, framework).pk)


@pytest.fixture
def staff_user(site_tree):
    return get_user_model().objects.create_superuser(email="staff@example.edu", password="pw")


def rows(order):
    return list(order.history.values_list("kind", "from_status", "to_status", "user__email", "note"))


def test_each_transition_records_who_when_from_and_to(order, staff_user):
    before = timezone.now()
    order.transition_to(OrderStatus.PAID)
    order.transition_to(
        OrderStatus.PARTIALLY_REFUNDED, by=staff_user, note="goodwill", kind=OrderEventKind.REFUND
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIALLY_REFUNDED and order.paid_at >= before
    assert rows(order) == [
        ("status_change", "pending", "paid", None, ""),
        ("refund", "paid", "partially_refunded", "staff@example.edu", "goodwill"),
    ]
    assert all(before <= event.created_at <= timezone.now() for event in order.history.all())


def test_an_illegal_transition_raises_and_records_nothing(order):
    with pytest.raises(InvalidTransition, match="cannot go from pending to refunded"):
        order.transition_to(OrderStatus.REFUNDED)
    assert order.status == OrderStatus.PENDING
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING and not OrderEvent.objects.exists()
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.CANCELLED)
    order.refresh_from_db()
    with pytest.raises(InvalidTransition):
        order.transition_to(OrderStatus.PAID)
    assert not OrderEvent.objects.exists()


def test_a_second_flag_keeps_the_first_note(order, staff_user):
    order.flag_for_review("Payment of 100 usd does not match")
    order.flag_for_review("Learner phoned: paid twice?", by=staff_user)
    order.flag_for_review("Payment of 100 usd does not match")  # the same check again: nothing new
    order.refresh_from_db()
    assert order.needs_review and order.status == OrderStatus.PENDING
    assert review_notes(order) == ["Payment of 100 usd does not match", "Learner phoned: paid twice?"]
    assert [event.user for event in order.history.all()] == [None, staff_user]


def test_fulfilment_records_the_payment_and_why_it_was_flagged(learner, partner, framework):
    course = make_paid_course(partner, framework)
    first, second = create_order(learner, course.pk), create_order(learner, course.pk)  # two tabs
    fulfil_order(first.pk, 2500, "usd", card_brand="visa", card_last4="4242")
    assert rows(first) == [("status_change", "pending", "paid", None, "$25 paid with the card ending 4242.")]
    fulfil_order(second.pk, 2500, "usd")  # paid anyway: recorded as paid, then flagged for a refund
    assert [row[:3] for row in rows(second)] == [("status_change", "pending", "paid"), ("flagged", "", "")]
    assert "already had it" in review_notes(second)[0]
    fulfil_order(second.pk, 2500, "usd")  # a repeated fulfilment changes nothing, so records nothing
    assert len(rows(second)) == 2


def test_staff_read_the_history_and_add_notes_on_the_order_page(client, order, staff_user):
    order.flag_for_review("Amount <b>mismatch</b>")
    client.force_login(staff_user)
    page = client.get(reverse("orders:inspect", args=[order.pk])).content.decode()
    assert "History" in page and "Flagged for review" in page and "System" in page
    assert "Amount &lt;b&gt;mismatch&lt;/b&gt;" in page  # notes are text, never markup
    note_url = reverse("orders:add_note", args=[order.pk])
    assert note_url in page

    response = client.post(note_url, {"note": "Called the learner; refund agreed."})
    assert response.status_code == 302 and response.url == reverse("orders:inspect", args=[order.pk])
    assert order.history.last().kind == OrderEventKind.NOTE and order.history.last().user == staff_user
    page = client.get(reverse("orders:inspect", args=[order.pk])).content.decode()
    assert "Staff note" in page and "Called the learner; refund agreed." in page
    assert page.index("Amount &lt;b&gt;") < page.index("Called the learner")  # oldest first

    client.post(note_url, {"note": "   "})  # an empty note is refused
    assert order.history.count() == 2
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING and order.needs_review  # a note changes nothing else


def test_only_staff_who_may_see_orders_add_notes(order, site_tree):
    user = get_user_model().objects.create_user(email="editor@example.edu", password="pw")
    group = Group.objects.create(name="Catalog writers")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(group)
    client = Client()
    client.force_login(user)
    denied = client.post(reverse("orders:add_note", args=[order.pk]), {"note": "hello"})
    assert denied.status_code == 302 and denied.url == reverse("wagtailadmin_home")
    assert not order.history.exists()

    group.permissions.add(Permission.objects.get(codename="view_order"))
    client.force_login(get_user_model().objects.get(pk=user.pk))
    assert client.get(reverse("orders:add_note", args=[order.pk])).status_code == 405
    client.post(reverse("orders:add_note", args=[order.pk]), {"note": "hello"})
    assert review_notes(order) == [] and order.history.get().note == "hello"


@pytest.mark.django_db(transaction=True)
def test_review_notes_written_before_the_history_are_kept_in_it(learner, partner, framework):
    executor = MigrationExecutor(connection)
    executor.migrate([("checkout", "0005_order_history")])
    executor.loader.build_graph()
    old_apps = executor.loader.project_state([("checkout", "0005_order_history")]).apps
    OldOrder = old_apps.get_model("checkout", "Order")
    flagged = OldOrder.objects.create(user_id=learner.pk, total="25.00", number="MC-OLD1", review_note="Why")
    OldOrder.objects.create(user_id=learner.pk, total="25.00", number="MC-OLD2")
    started = timezone.now()

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    events = OrderEvent.objects.all()
    assert [(e.order_id, e.kind, e.note, e.user) for e in events] == [(flagged.pk, "flagged", "Why", None)]
    assert started - timedelta(seconds=1) <= events[0].created_at <= timezone.now()
