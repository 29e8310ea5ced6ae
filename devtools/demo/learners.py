"""Demo learners with paid orders, enrolments and completions (`seed_demo --learners N`).

They give My learning, the admin listings (orders, enrolments, completions), the issuance report
and the benchmarks realistic data. Learner n is `learner{n}@example.com`, email confirmed, with
the password DEMO_LEARNER_PASSWORD (hashed once and shared, since hashing is the slow part). What
learner n has is drawn from a random generator seeded with n, and a run makes only the learners
whose address does not exist yet, so running it again changes nothing and a larger N adds the rest.

Orders are written as paid, the state an order reaches when its Stripe payment arrives, without
calling Stripe: the order, its lines, its "paid" history row and the enrolments go in with
bulk_create. Completions go through issuance's record_completion (source "demo"), so enrolments
become completed, a pathway whose steps are all done completes by its own rule, and deliveries
are queued for any issuer endpoint, as for every other completion. Then some completions are
marked issued (a credential URL, as if the issuer had answered), and some of those claimed and
shared.
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

from catalog.models import PathwayPage
from catalog.money import format_money
from checkout.models import (
    CreditStatus,
    Enrolment,
    LineKind,
    Order,
    OrderEvent,
    OrderEventKind,
    OrderLine,
    OrderStatus,
)
from checkout.services import initial_credit_status, purchasable_credentials
from issuance.models import Completion, CompletionSource
from issuance.services import record_completion

DEMO_LEARNER_PASSWORD = "demo-learner-password"
DEFAULT_LEARNERS = 5
CREDENTIAL_HOST = "https://credentials.example.org/demo/"
FIRST_NAMES = ["Ana", "Ben", "Chloe", "Dev", "Elif", "Femi", "Grace", "Hiro", "Ines", "Jamal", "Kai", "Lena"]
LAST_NAMES = ["Alvarez", "Brown", "Chen", "Diallo", "Evans", "Fischer", "Gupta", "Haddad", "Ito", "Jones"]
RESULTS = ["Pass", "Pass", "Merit", "Distinction", "92%", "85%", "78%"]


def learner_email(number):
    return f"learner{number}@example.com"


@dataclass
class Plan:
    """What one demo learner does: credentials to enrol in, when, and which they complete."""

    number: int
    joined: datetime.datetime
    enrolments: list = field(
        default_factory=list
    )  # (credential, enrolled_at, with_credit, completed_on|None)


@dataclass
class LearnerSummary:
    learners: int = 0
    orders: int = 0
    enrolments: int = 0
    completions: int = 0
    pathways: int = 0
    issued: int = 0
    claimed: int = 0
    shared: int = 0
    seconds: float = 0.0

    def __str__(self):
        return (
            f"{self.learners:,} learners, {self.orders:,} paid orders, {self.enrolments:,} enrolments, "
            f"{self.completions:,} completions ({self.pathways:,} of pathways), {self.issued:,} issued, "
            f"{self.claimed:,} claimed, {self.shared:,} shared"
        )


class Catalog:
    """The live, public credentials and pathways that demo learners enrol in (read once)."""

    def __init__(self):
        self.credentials = list(
            purchasable_credentials()
            .order_by("pk")
            .only("pk", "title", "short_code", "price", "credit_eligible", "credit_conversion_fee")
        )
        self.by_id = {c.pk: c for c in self.credentials}
        self.pathways = [
            (
                [
                    s.microcredential_id
                    for s in p.steps.all()
                    if s.required and s.microcredential_id in self.by_id
                ],
                [
                    s.microcredential_id
                    for s in p.steps.all()
                    if not s.required and s.microcredential_id in self.by_id
                ],
                p.electives_required,
            )
            for p in PathwayPage.objects.live().prefetch_related("steps").order_by("pk")
        ]


def plan_learner(number, catalog, today):
    rng = random.Random(f"demo-learner-{number}")
    joined = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=rng.randint(20, 420)), datetime.time(9))
    ) + datetime.timedelta(minutes=rng.randint(0, 600))
    plan = Plan(number, joined)
    chosen = []
    if catalog.pathways and rng.random() < 0.15:
        # Follows a pathway: every required step and enough electives, most of them completed.
        required, electives, electives_required = rng.choice(catalog.pathways)
        chosen = required + rng.sample(electives, min(len(electives), electives_required))
        completion_rate = 0.85
    else:
        count = min(len(catalog.credentials), rng.choice([1, 1, 2, 2, 3, 4]))
        chosen = [c.pk for c in rng.sample(catalog.credentials, count)]
        completion_rate = 0.45
    enrolled_at = joined
    for credential_id in chosen:
        credential = catalog.by_id[credential_id]
        enrolled_at = enrolled_at + datetime.timedelta(days=rng.randint(0, 30), minutes=rng.randint(1, 300))
        completed_on = (timezone.localtime(enrolled_at) + datetime.timedelta(days=rng.randint(14, 90))).date()
        done = completed_on < today and rng.random() < completion_rate
        with_credit = credential.sells_credit and rng.random() < 0.25
        plan.enrolments.append((credential, enrolled_at, with_credit, completed_on if done else None))
    return plan


def build_batch(plans, password_hash, summary):
    """Users, paid orders (lines, history), enrolments; then completions through record_completion."""
    User = get_user_model()
    users = User.objects.bulk_create(
        User(
            email=learner_email(plan.number),
            password=password_hash,
            first_name=FIRST_NAMES[plan.number % len(FIRST_NAMES)],
            last_name=LAST_NAMES[(plan.number // len(FIRST_NAMES)) % len(LAST_NAMES)],
            email_verified_at=plan.joined,
            date_joined=plan.joined,
        )
        for plan in plans
    )
    user_ids = dict(User.objects.filter(email__in=[u.email for u in users]).values_list("email", "pk"))

    orders, lines, enrolments, completing = [], [], [], []
    for plan in plans:
        user_id = user_ids[learner_email(plan.number)]
        for credential, enrolled_at, with_credit, completed_on in plan.enrolments:
            order = None
            if not credential.is_free:
                amounts = [
                    (LineKind.ENROLMENT, f"{credential.title} ({credential.short_code})", credential.price)
                ]
                if with_credit:
                    amounts.append(
                        (
                            LineKind.CREDIT_CONVERSION,
                            f"Academic credit for {credential.title}",
                            credential.credit_conversion_fee,
                        )
                    )
                total = sum((amount for _, _, amount in amounts), Decimal("0.00"))
                order = Order(
                    user_id=user_id,
                    status=OrderStatus.PAID,
                    total=total,
                    created_at=enrolled_at - datetime.timedelta(minutes=2),
                    paid_at=enrolled_at,
                    card_brand="visa",
                    card_last4="4242",
                )
                orders.append(order)
                lines.extend((order, credential, kind, text, amount) for kind, text, amount in amounts)
            credit_status = CreditStatus.PURCHASED if with_credit else initial_credit_status(credential)
            enrolment = Enrolment(
                user_id=user_id,
                microcredential_id=credential.pk,
                credit_status=credit_status,
                created_at=enrolled_at,
            )
            enrolments.append((enrolment, order))
            if completed_on:
                completing.append((enrolment, completed_on, plan.number))

    Order.objects.bulk_create(orders)
    # bulk_create does not set primary keys on every database; look them up by order number.
    order_ids = dict(Order.objects.filter(number__in=[o.number for o in orders]).values_list("number", "pk"))
    for order in orders:
        order.pk = order_ids[order.number]
    OrderLine.objects.bulk_create(
        OrderLine(
            order_id=order.pk, microcredential_id=credential.pk, kind=kind, description=text, amount=amount
        )
        for order, credential, kind, text, amount in lines
    )
    OrderEvent.objects.bulk_create(
        OrderEvent(
            order_id=order.pk,
            kind=OrderEventKind.STATUS_CHANGE,
            from_status=OrderStatus.PENDING,
            to_status=OrderStatus.PAID,
            note=f"{format_money(order.total)} paid with the card ending 4242 (demo data).",
            created_at=order.paid_at,
        )
        for order in orders
    )
    for enrolment, order in enrolments:
        enrolment.order_id = order.pk if order else None
    Enrolment.objects.bulk_create([enrolment for enrolment, _ in enrolments])
    enrolment_ids = {
        (user_id, credential_id): pk
        for pk, user_id, credential_id in Enrolment.objects.filter(user_id__in=user_ids.values()).values_list(
            "pk", "user_id", "microcredential_id"
        )
    }

    made = []
    for enrolment, completed_on, number in completing:
        enrolment.pk = enrolment_ids[(enrolment.user_id, enrolment.microcredential_id)]
        rng = random.Random(f"demo-completion-{number}-{enrolment.microcredential_id}")
        completion, _ = record_completion(
            enrolment, result=rng.choice(RESULTS), completed_on=completed_on, source=CompletionSource.DEMO
        )
        made.append(completion)
    # Pathways these completions finished were completed by record_completion's pathway rule.
    made += list(Completion.objects.filter(learner_id__in=user_ids.values(), pathway__isnull=False))
    issued = mark_issued(made, summary)
    if issued:
        Completion.objects.bulk_update(
            issued,
            [
                "credential_url",
                "credential_id",
                "issued_at",
                "claim_count",
                "claimed_at",
                "share_count",
                "shared_at",
            ],
        )
    summary.learners += len(plans)
    summary.orders += len(orders)
    summary.enrolments += len(enrolments)
    summary.completions += len(made)
    summary.pathways += sum(1 for c in made if c.pathway_id)


def mark_issued(completions, summary):
    """As if the issuer had answered: most completions get a credential URL; some are used."""
    issued = []
    for completion in completions:
        rng = random.Random(
            f"demo-issued-{completion.learner_id}-{completion.enrolment_id}-{completion.pathway_id}"
        )
        if rng.random() >= 0.75:
            continue  # still being issued
        day = datetime.datetime.combine(completion.completed_on, datetime.time(10)) + datetime.timedelta(
            days=rng.randint(0, 3)
        )
        completion.issued_at = timezone.make_aware(day)
        completion.credential_id = (
            f"demo-{completion.learner_id}-{completion.enrolment_id or 'p'}-{completion.pk}"
        )
        completion.credential_url = CREDENTIAL_HOST + completion.credential_id
        if rng.random() < 0.6:
            completion.claim_count = rng.randint(1, 4)
            completion.claimed_at = completion.issued_at + datetime.timedelta(hours=rng.randint(1, 72))
            summary.claimed += 1
        if rng.random() < 0.35:
            completion.share_count = rng.randint(1, 2)
            completion.shared_at = completion.issued_at + datetime.timedelta(hours=rng.randint(2, 96))
            summary.shared += 1
        issued.append(completion)
    summary.issued += len(issued)
    return issued


def ensure_learners(count, batch_size=200, progress=None):
    """Make demo learners 1..count that do not exist yet; returns a LearnerSummary of what was made."""
    started = time.monotonic()
    summary = LearnerSummary()
    existing = set(
        get_user_model()
        .objects.filter(email__in=[learner_email(n) for n in range(1, count + 1)])
        .values_list("email", flat=True)
    )
    missing = [n for n in range(1, count + 1) if learner_email(n) not in existing]
    if not missing:
        return summary
    catalog = Catalog()
    if not catalog.credentials:
        raise ValueError(
            "There are no live credentials to enrol demo learners in; build the demo catalog first."
        )
    today = timezone.localdate()
    password_hash = make_password(DEMO_LEARNER_PASSWORD)
    for start in range(0, len(missing), batch_size):
        plans = [plan_learner(number, catalog, today) for number in missing[start : start + batch_size]]
        with transaction.atomic():
            build_batch(plans, password_hash, summary)
        if progress is not None:
            progress(summary.learners, len(missing), time.monotonic() - started)
    summary.seconds = time.monotonic() - started
    return summary
