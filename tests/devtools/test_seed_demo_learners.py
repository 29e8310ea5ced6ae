"""`seed_demo --learners N`: demo learners with paid orders, enrolments and completions, made once."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.urls import reverse

from accounts.models import User
from checkout.models import Enrolment, EnrolmentStatus, Order, OrderEventKind, OrderStatus
from devtools.demo.learners import DEFAULT_LEARNERS, DEMO_LEARNER_PASSWORD
from issuance.models import Completion, CompletionSource
from tests.devtools.test_seed_demo import snapshot

pytestmark = pytest.mark.django_db


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_learners_get_paid_orders_enrolments_and_a_realistic_mix_of_completions():
    out = seed("--learners", "40")
    assert "Demo learners: created 40 learners" in out
    learners = User.objects.filter(email__endswith="@example.com", email__startswith="learner")
    assert learners.count() == 40
    assert not learners.filter(email_verified_at__isnull=True).exists()  # confirmed: they can log in
    assert all(learner.enrolments.exists() for learner in learners)

    orders = Order.objects.filter(user__in=learners)
    assert orders.exists() and set(orders.values_list("status", flat=True)) == {OrderStatus.PAID}
    assert not orders.exclude(payment_intent_id=None).exists()  # no Stripe payment was made
    for order in orders.prefetch_related("lines", "history"):
        assert order.total == sum(line.amount for line in order.lines.all())
        assert [(e.kind, e.to_status) for e in order.history.all()] == [
            (OrderEventKind.STATUS_CHANGE, OrderStatus.PAID)
        ]
    # Every paid enrolment points at its order; free ones have none.
    assert not Enrolment.objects.filter(user__in=learners, order=None, microcredential__price__gt=0).exists()

    completions = Completion.objects.filter(learner__in=learners)
    assert set(completions.values_list("source", flat=True)) == {
        CompletionSource.DEMO,
        CompletionSource.PATHWAY,
    }
    completed = Enrolment.objects.filter(user__in=learners, status=EnrolmentStatus.COMPLETED)
    assert completed.count() == completions.filter(enrolment__isnull=False).count()
    assert Enrolment.objects.filter(user__in=learners, status=EnrolmentStatus.ACTIVE).exists()
    assert completions.filter(pathway__isnull=False).exists()  # a pathway completed by its rule
    issued = completions.exclude(credential_url="")
    assert 0 < issued.count() < completions.count()  # some still being issued
    assert issued.filter(claim_count__gt=0).exists() and issued.filter(share_count__gt=0).exists()
    assert not completions.filter(credential_url="", claim_count__gt=0).exists()
    assert (
        completions.aggregate(Sum("claim_count"))["claim_count__sum"]
        >= issued.filter(claim_count__gt=0).count()
    )


def test_running_again_changes_nothing_and_a_larger_n_adds_the_rest():
    seed("--learners", "12")
    before = snapshot()
    out = seed("--learners", "12")
    assert "Demo learners 1 to 12 already present." in out
    assert snapshot() == before
    out = seed("--learners", "15")
    assert "Demo learners: created 3 learners" in out
    assert User.objects.filter(email__startswith="learner").count() == 15


def test_seed_demo_without_the_option_keeps_a_few_who_can_log_in(client):
    out = seed()
    assert f"learner1@example.com (to learner{DEFAULT_LEARNERS}@example.com) / {DEMO_LEARNER_PASSWORD}" in out
    assert User.objects.filter(email__startswith="learner").count() == DEFAULT_LEARNERS
    assert client.login(username="learner1@example.com", password=DEMO_LEARNER_PASSWORD)
    page = client.get(reverse("issuance:my_learning")).content.decode()
    learner = User.objects.get(email="learner1@example.com")
    for enrolment in learner.enrolments.select_related("microcredential"):
        assert enrolment.microcredential.title in page


def test_large_runs_print_progress():
    out = seed("--learners", "210")
    assert "made     200/210 demo learners" in out and "made     210/210 demo learners" in out


def test_a_negative_count_is_refused():
    with pytest.raises(CommandError, match="--learners must be 0 or more"):
        seed("--learners", "-1")
    assert not User.objects.exists()
