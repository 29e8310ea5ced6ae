"""Sales written in bulk for the partner dashboard: paid orders, credit conversions, refunds,
enrolments and completions, spread over past months.

Two callers: the demo's sales history (devtools/demo/revenue.py, a few hundred orders so the
demo partners' dashboards and statements have something to show) and `seed_demo
--dashboard-volume` (devtools/demo/volume.py, 100,000 orders for the benchmark in
docs/PERFORMANCE.md). Both need more orders than learners.py's path can write in reasonable
time: its completions go through record_completion (about 12 queries each), which at volume
would take longer than the rest together. Here everything goes in with bulk_create, a few
queries per batch; the completions are written as rows (source "demo"), with no delivery queued
and no pathway rule run, because the dashboard only counts them.

What is written is what checkout and refunds would have left behind: a paid order per purchase
with its lines at the credential's price, its "paid" history row, the enrolment pointing at it;
a refund as a Refund row, the lines marked refunded, the order refunded, a "refund" history row,
and the enrolment revoked (or, for credit alone, its credit reverted). A refund of an enrolment
takes the credit bought with it too, as checkout/refunds.py requires.

Learner n's purchases are drawn from a generator seeded with n, and learners whose address
exists are left alone, so a second run adds nothing.
"""

import datetime
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from catalog.money import format_money
from checkout.models import (
    CreditStatus,
    Enrolment,
    EnrolmentStatus,
    LineKind,
    Order,
    OrderEvent,
    OrderEventKind,
    OrderLine,
    OrderStatus,
    Refund,
)
from checkout.services import initial_credit_status
from issuance.models import Completion, CompletionSource
from partner_dashboard import rollups

from .learners import CREDENTIAL_HOST, FIRST_NAMES, LAST_NAMES, RESULTS


@dataclass(frozen=True)
class Product:
    """What a credential sells, read once: its price and, if credit is sold, the fee."""

    pk: int
    title: str
    code: str
    price: Decimal
    credit_fee: Decimal | None
    credit_status: str  # an enrolment's credit status before any credit is bought

    @classmethod
    def of(cls, credential):
        return cls(
            pk=credential.pk,
            title=credential.title,
            code=credential.short_code,
            price=credential.price,
            credit_fee=credential.credit_conversion_fee if credential.sells_credit else None,
            credit_status=initial_credit_status(credential),
        )


@dataclass
class Mix:
    """How a population buys. The defaults give mostly enrolment lines, about one line in ten a
    credit conversion (with the enrolment or in a later order) and about 3% of lines refunded."""

    orders_per_learner: int = 4
    credit_with_enrolment: float = 0.15  # of enrolments in a credential that sells credit
    credit_later: float = 0.25  # chance an order is credit for an earlier enrolment, when one is open
    refunded: float = 0.03  # of orders, every line of them
    free_enrolment: float = 0.05  # of learners, one free credential as well (no order)
    completed: float = 0.35  # of enrolments held at least two weeks
    issued: float = 0.75  # of completions
    claimed: float = 0.6  # of issued
    shared: float = 0.35  # of issued


@dataclass
class SalesSummary:
    learners: int = 0
    orders: int = 0
    enrolment_lines: int = 0
    credit_lines: int = 0
    refunded_lines: int = 0
    enrolments: int = 0
    free_enrolments: int = 0
    completions: int = 0
    issued: int = 0
    claimed: int = 0
    shared: int = 0
    seconds: float = 0.0

    def __str__(self):
        return (
            f"{self.learners:,} learners, {self.orders:,} paid orders ({self.enrolment_lines:,} enrolment "
            f"and {self.credit_lines:,} credit conversion lines, {self.refunded_lines:,} refunded), "
            f"{self.enrolments:,} enrolments ({self.free_enrolments:,} free), {self.completions:,} "
            f"completions ({self.issued:,} issued, {self.claimed:,} claimed, {self.shared:,} shared)"
        )


@dataclass
class Held:
    """An enrolment a learner's plan makes, and what became of it."""

    product: Product
    at: datetime.datetime
    order: "Purchase | None"
    credit: bool = False
    credit_refunded: bool = False
    revoked: bool = False
    completion: dict | None = None


@dataclass
class Purchase:
    """One paid order: (kind, product) lines, and its refund time if it was refunded."""

    paid_at: datetime.datetime
    lines: list
    refunded_at: datetime.datetime | None = None
    order: Order | None = None


@dataclass
class LearnerPlan:
    number: int
    joined: datetime.datetime
    purchases: list = field(default_factory=list)
    held: list = field(default_factory=list)


def between(rng, start, end):
    return start + (end - start) * rng.random()


def plan_learner(number, seed, slots, paid, free, start, now, mix):
    """Learner `number`'s `slots` orders, paid between `start` and `now`, from a generator
    seeded with the population's `seed` and the number."""
    rng = random.Random(f"{seed}-{number}")
    dates = sorted(between(rng, start, now) for _ in range(slots))
    plan = LearnerPlan(number, joined=dates[0] - datetime.timedelta(hours=rng.randint(1, 48)))
    new_products = iter(rng.sample(paid, min(slots, len(paid))))
    for paid_at in dates:
        open_for_credit = [h for h in plan.held if h.product.credit_fee and not h.credit and not h.revoked]
        refunded_at = None
        if rng.random() < mix.refunded:
            refunded_at = min(paid_at + datetime.timedelta(hours=rng.uniform(1, 30 * 24)), now)
        if open_for_credit and rng.random() < mix.credit_later:
            held = rng.choice(open_for_credit)
            held.credit = True
            purchase = Purchase(paid_at, [(LineKind.CREDIT_CONVERSION, held.product)], refunded_at)
            held.credit_refunded = refunded_at is not None
        else:
            product = next(new_products, None)
            if product is None:
                continue  # fewer paid credentials than orders per learner
            lines = [(LineKind.ENROLMENT, product)]
            purchase = Purchase(paid_at, lines, refunded_at)
            held = Held(product, paid_at, purchase)
            if product.credit_fee and rng.random() < mix.credit_with_enrolment:
                lines.append((LineKind.CREDIT_CONVERSION, product))
                held.credit = True
                held.credit_refunded = refunded_at is not None
            # A refund of the enrolment takes its credit with it, and no credit is sold after it.
            held.revoked = refunded_at is not None
            plan.held.append(held)
        plan.purchases.append(purchase)
    if free and rng.random() < mix.free_enrolment:
        plan.held.append(Held(rng.choice(free), between(rng, plan.joined, now), None))
    today = timezone.localdate(now)
    for held in plan.held:
        if held.revoked or rng.random() >= mix.completed:
            continue
        completed_on = timezone.localtime(held.at).date() + datetime.timedelta(days=rng.randint(14, 90))
        if completed_on >= today:
            continue
        completion = {"completed_on": completed_on, "result": rng.choice(RESULTS)}
        if rng.random() < mix.issued:
            issued_at = min(
                timezone.make_aware(datetime.datetime.combine(completed_on, datetime.time(10)))
                + datetime.timedelta(days=rng.randint(0, 3)),
                now,
            )
            completion["issued_at"] = issued_at
            if rng.random() < mix.claimed:
                completion["claim_count"] = rng.randint(1, 4)
                completion["claimed_at"] = min(issued_at + datetime.timedelta(hours=rng.randint(1, 72)), now)
            if rng.random() < mix.shared:
                completion["share_count"] = rng.randint(1, 2)
                completion["shared_at"] = min(issued_at + datetime.timedelta(hours=rng.randint(2, 96)), now)
        held.completion = completion
    return plan


def line_amount(kind, product):
    return product.price if kind == LineKind.ENROLMENT else product.credit_fee


def line_description(kind, product):
    if kind == LineKind.ENROLMENT:
        return f"{product.title} ({product.code})"
    return f"Academic credit for {product.title}"


def write_batch(plans, email, password_hash, summary):
    """Users, orders, refunds, lines, order history, enrolments and completions of `plans`, in
    that order (each bulk insert needs the keys of the one before: bulk_create returns them on
    PostgreSQL and on SQLite 3.35 and later)."""
    User = get_user_model()
    users = User.objects.bulk_create(
        User(
            email=email(plan.number),
            password=password_hash,
            first_name=FIRST_NAMES[plan.number % len(FIRST_NAMES)],
            last_name=LAST_NAMES[(plan.number // len(FIRST_NAMES)) % len(LAST_NAMES)],
            date_joined=plan.joined,
        )
        for plan in plans
    )
    purchases = [
        (user, purchase) for user, plan in zip(users, plans, strict=True) for purchase in plan.purchases
    ]
    for user, purchase in purchases:
        purchase.order = Order(
            user_id=user.pk,
            status=OrderStatus.PAID,
            total=sum((line_amount(kind, product) for kind, product in purchase.lines), Decimal("0.00")),
            created_at=purchase.paid_at - datetime.timedelta(minutes=2),
            paid_at=purchase.paid_at,
            card_brand="visa",
            card_last4="4242",
        )
        if purchase.refunded_at:
            purchase.order.status = OrderStatus.REFUNDED
    Order.objects.bulk_create([purchase.order for _, purchase in purchases])
    refunded = [purchase for _, purchase in purchases if purchase.refunded_at]
    refunds = Refund.objects.bulk_create(
        Refund(
            order_id=purchase.order.pk,
            amount=purchase.order.total,
            reason="Changed their mind (demo data).",
            stripe_status="succeeded",
            created_at=purchase.refunded_at,
        )
        for purchase in refunded
    )
    refund_ids = {purchase.order.pk: refund.pk for purchase, refund in zip(refunded, refunds, strict=True)}
    lines, events = [], []
    for _, purchase in purchases:
        order = purchase.order
        for kind, product in purchase.lines:
            lines.append(
                OrderLine(
                    order_id=order.pk,
                    microcredential_id=product.pk,
                    kind=kind,
                    description=line_description(kind, product),
                    amount=line_amount(kind, product),
                    refunded_at=purchase.refunded_at,
                    refund_id=refund_ids.get(order.pk),
                )
            )
            if kind == LineKind.ENROLMENT:
                summary.enrolment_lines += 1
            else:
                summary.credit_lines += 1
            summary.refunded_lines += purchase.refunded_at is not None
        events.append(
            OrderEvent(
                order_id=order.pk,
                kind=OrderEventKind.STATUS_CHANGE,
                from_status=OrderStatus.PENDING,
                to_status=OrderStatus.PAID,
                note=f"{format_money(order.total)} paid with the card ending 4242 (demo data).",
                created_at=purchase.paid_at,
            )
        )
        if purchase.refunded_at:
            events.append(
                OrderEvent(
                    order_id=order.pk,
                    kind=OrderEventKind.REFUND,
                    from_status=OrderStatus.PAID,
                    to_status=OrderStatus.REFUNDED,
                    note=f"{format_money(order.total)} refunded. Reason: Changed their mind (demo data).",
                    created_at=purchase.refunded_at,
                )
            )
    OrderLine.objects.bulk_create(lines)
    OrderEvent.objects.bulk_create(events)

    held = [(user, h) for user, plan in zip(users, plans, strict=True) for h in plan.held]
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            user_id=user.pk,
            microcredential_id=h.product.pk,
            order_id=h.order.order.pk if h.order else None,
            status=(
                EnrolmentStatus.REVOKED
                if h.revoked
                else EnrolmentStatus.COMPLETED
                if h.completion
                else EnrolmentStatus.ACTIVE
            ),
            credit_status=(
                CreditStatus.REVERTED
                if h.credit and h.credit_refunded
                else CreditStatus.PURCHASED
                if h.credit
                else h.product.credit_status
            ),
            created_at=h.at,
        )
        for user, h in held
    )
    completions = []
    for (user, h), enrolment in zip(held, enrolments, strict=True):
        if not h.completion:
            continue
        completion = Completion(
            learner_id=user.pk, enrolment_id=enrolment.pk, source=CompletionSource.DEMO, **h.completion
        )
        if completion.issued_at:
            completion.credential_id = f"demo-{user.pk}-{enrolment.pk}"
            completion.credential_url = CREDENTIAL_HOST + completion.credential_id
            summary.issued += 1
            summary.claimed += completion.claim_count > 0
            summary.shared += completion.share_count > 0
        completions.append(completion)
    Completion.objects.bulk_create(completions)
    summary.learners += len(plans)
    summary.orders += len(purchases)
    summary.enrolments += len(enrolments)
    summary.free_enrolments += sum(1 for _, h in held if h.order is None)
    summary.completions += len(completions)


def ensure_sales(
    *,
    email,
    credentials,
    orders,
    start,
    now,
    seed,
    mix=None,
    learners_per_batch=250,
    progress=None,
):
    """Learners 1, 2, … (`email(n)` their address) with `orders` paid orders between them, of
    `credentials` (free ones are enrolled in without an order), paid between `start` and `now`.
    Learners that exist are left alone. Returns a SalesSummary of what was made."""
    started = time.monotonic()
    mix = mix or Mix()
    summary = SalesSummary()
    products = [Product.of(credential) for credential in credentials]
    paid = [p for p in products if p.price > 0]
    free = [p for p in products if p.price == 0]
    if not paid:
        raise ValueError("There are no paid credentials to sell; build the credentials first.")
    slots = min(mix.orders_per_learner, len(paid))
    count = -(-orders // slots)  # learners needed, the last one buying the remainder
    User = get_user_model()
    password_hash = make_password(None)  # unusable: these learners never sign in
    for first in range(1, count + 1, learners_per_batch):
        numbers = range(first, min(first + learners_per_batch, count + 1))
        existing = set(
            User.objects.filter(email__in=[email(n) for n in numbers]).values_list("email", flat=True)
        )
        plans = [
            plan_learner(
                n, seed, slots if n < count else orders - slots * (count - 1), paid, free, start, now, mix
            )
            for n in numbers
            if email(n) not in existing
        ]
        if plans:
            with transaction.atomic():
                write_batch(plans, email, password_hash, summary)
        if progress is not None:
            progress(numbers[-1], count, time.monotonic() - started)
    if summary.orders:
        # Written in bulk (no signals): the dashboards' stored months must be counted again.
        rollups.forget([product.pk for product in products])
    summary.seconds = time.monotonic() - started
    return summary
