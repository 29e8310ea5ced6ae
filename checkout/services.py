"""Ordering and fulfilment: the rules, callable without a request.

Fulfilment will be reached from two places (the payment return page and the payment
provider's webhook), possibly at the same moment and more than once, so fulfil_order() locks
the order row, checks its state, and creates enrolments at most once.

Whether a credential can be bought is one rule, purchasable_credentials(), asked when an order is
made, when it is paid and when the payment is fulfilled: a credential unpublished or made private
after the order was made is never paid for or enrolled into without staff seeing it.

Starting a checkout holds the learner (learner_lock()), so a double click makes one order on both
databases.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from catalog.credit_hours import credit_hours_phrase
from catalog.models import MicrocredentialPage
from catalog.money import format_money

from .models import CreditStatus, Enrolment, EnrolmentStatus, LineKind, Order, OrderLine, OrderStatus
from .money import to_cents


class CheckoutError(Exception):
    """The purchase cannot go ahead; the message tells the learner why."""


@dataclass
class PricedLine:
    kind: str
    description: str
    amount: Decimal


def price_lines(credential, include_enrolment=True, include_credit=False):
    """Lines and prices from the database, never from the client."""
    lines = []
    if include_enrolment:
        lines.append(
            PricedLine(LineKind.ENROLMENT, f"{credential.title} ({credential.short_code})", credential.price)
        )
    if include_credit:
        if not credential.sells_credit:
            raise CheckoutError(f"{credential.title} has no credit conversion to buy.")
        lines.append(
            PricedLine(
                LineKind.CREDIT_CONVERSION,
                f"Academic credit: {credit_hours_phrase(credential.credit_hours)} for {credential.title}",
                credential.credit_conversion_fee,
            )
        )
    return lines


def checkout_total(credential, include_credit=False):
    """What enrolling charges, with or without the credit conversion: the enrol button shows it."""
    return sum((line.amount for line in price_lines(credential, include_credit=include_credit)), Decimal("0"))


def unpaid_order_for(user, credential):
    """The learner's newest unpaid order with a line for this credential that can still be paid,
    or None: the credential page points to it instead of letting it be forgotten."""
    orders = Order.objects.filter(user=user, status=OrderStatus.PENDING, lines__microcredential=credential)
    for order in orders.distinct().order_by("-created_at")[:5]:
        if not order_problem(order):
            return order
    return None


def pending_order_for(user, credential, kinds):
    """The learner's unpaid order for exactly these kinds of line of this credential, or None.

    Starting checkout again (back button, double click, a second visit) reuses it instead of
    piling up unpaid orders; an order with other lines (say, the enrolment without the credit)
    is a different purchase and does not count.
    """
    wanted = sorted(kinds)
    candidates = Order.objects.filter(
        user=user, status=OrderStatus.PENDING, lines__microcredential=credential
    )
    for order in candidates.distinct().prefetch_related("lines"):
        if sorted(line.kind for line in order.lines.all()) == wanted:
            return order
    return None


def purchasable_credentials():
    """The credentials a learner may buy or enrol in now: published and public.

    Public means under no Wagtail view restriction (password, logged-in users, groups), on the
    page or above it: a private credential is not for sale, even to someone who may see it. This
    is the one place the rule lives; ordering, the payment page and fulfilment all ask it.
    """
    return MicrocredentialPage.objects.live().public()


def is_purchasable(credential):
    return purchasable_credentials().filter(pk=credential.pk).exists()


def _purchasable_credential(credential_id):
    credential = purchasable_credentials().filter(pk=credential_id).first()
    if credential is None:
        raise CheckoutError("This credential is not available for enrolment.")
    return credential


def learner_lock(user):
    """Hold the learner's row until the transaction ends, so their checkouts run one at a time.

    Checking for an identical unpaid order and creating one are two statements; two clicks that
    both check before either creates would make two orders. On PostgreSQL, SELECT ... FOR UPDATE
    on the user row makes the second click wait for the first to commit (other learners are not
    held up). SQLite has no row locks (Django leaves FOR UPDATE out), but every transaction there
    starts with BEGIN IMMEDIATE (OPTIONS["transaction_mode"], config/settings/base.py), which
    takes the database's write lock at once, so the check and the insert cannot interleave either.
    Call it inside transaction.atomic().
    """
    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))


@transaction.atomic
def create_order(user, credential_id, include_credit=False):
    """A pending order to enrol (and optionally convert to credit) at today's prices."""
    credential = _purchasable_credential(credential_id)
    if Enrolment.objects.active().filter(user=user, microcredential=credential).exists():
        raise CheckoutError(f"You are already enrolled in {credential.title}.")
    lines = price_lines(credential, include_credit=include_credit)
    if not any(line.amount for line in lines):
        raise CheckoutError(f"{credential.title} is free: enrol without paying.")
    return _create(user, credential, lines)


@transaction.atomic
def start_checkout(user, credential_id, include_credit=False):
    """The order to pay for: an identical unpaid one if the learner already started it, else a new one."""
    learner_lock(user)
    credential = _purchasable_credential(credential_id)
    kinds = [LineKind.ENROLMENT, LineKind.CREDIT_CONVERSION] if include_credit else [LineKind.ENROLMENT]
    existing = pending_order_for(user, credential, kinds)
    if existing is not None and not order_problem(existing):
        return existing
    return create_order(user, credential_id, include_credit=include_credit)


@transaction.atomic
def start_credit_checkout(user, credential_id):
    """The order to pay for the credit conversion alone: the unpaid one if started before, else a new one."""
    learner_lock(user)
    credential = _purchasable_credential(credential_id)
    existing = pending_order_for(user, credential, [LineKind.CREDIT_CONVERSION])
    if existing is not None and not order_problem(existing):
        return existing
    return create_credit_order(user, credential_id)


# What fulfilment needs of each line's credential, in the same query as the lines.
LINE_FIELDS = (
    "order_id",
    "kind",
    "description",
    "amount",
    "refunded_at",
    "refund_id",
    "microcredential_id",
    "microcredential__title",
    "microcredential__credit_eligible",
    "microcredential__credit_conversion_fee",
)


def order_lines(order):
    return list(order.lines.select_related("microcredential").only(*LINE_FIELDS))


def enrolments_for(user_id, lines, lock=False):
    """The learner's enrolments in these lines' credentials, by credential id, in one query."""
    enrolments = Enrolment.objects.filter(
        user_id=user_id, microcredential_id__in={line.microcredential_id for line in lines}
    )
    if lock:
        enrolments = enrolments.select_for_update()
    return {enrolment.microcredential_id: enrolment for enrolment in enrolments}


def unavailable_titles(lines):
    """The titles of these lines' credentials that can no longer be bought (unpublished, made private)."""
    ids = {line.microcredential_id for line in lines}
    available = set(purchasable_credentials().filter(pk__in=ids).values_list("pk", flat=True))
    return sorted({line.microcredential.title for line in lines if line.microcredential_id not in available})


def order_problem(order, lines=None, enrolments=None):
    """Why this unpaid order should not be paid any more, or ''.

    Its credential was unpublished or made private since the order was made, or the learner
    bought it meanwhile in another tab.
    """
    lines = order_lines(order) if lines is None else lines
    unavailable = unavailable_titles(lines)
    if unavailable:
        return (
            f"{', '.join(unavailable)} is no longer available for enrolment, so this order cannot be "
            "paid. Nothing has been charged."
        )
    return already_had(order, lines, enrolments)


def already_had(order, lines, enrolments=None):
    """Why the learner does not need this order any more (they have what it sells), or ''."""
    enrolments = enrolments_for(order.user_id, lines) if enrolments is None else enrolments
    has_enrolment_line = any(line.kind == LineKind.ENROLMENT for line in lines)
    for line in lines:
        enrolment = enrolments.get(line.microcredential_id)
        active = enrolment is not None and enrolment.is_active
        title = line.microcredential.title
        if line.kind == LineKind.ENROLMENT and active:
            return f"You are already enrolled in {title}."
        if line.kind == LineKind.CREDIT_CONVERSION:
            if active and enrolment.credit_status in (CreditStatus.PURCHASED, CreditStatus.INCLUDED):
                return f"You already have academic credit for {title}."
            if not active and not has_enrolment_line:
                return f"Enrol in {title} before buying its credit conversion."
    return ""


@transaction.atomic
def create_credit_order(user, credential_id):
    """A pending order for the credit conversion alone, for a learner already enrolled."""
    credential = _purchasable_credential(credential_id)
    enrolment = Enrolment.objects.active().filter(user=user, microcredential=credential).first()
    if enrolment is None:
        raise CheckoutError(f"Enrol in {credential.title} before buying its credit conversion.")
    if enrolment.credit_status == CreditStatus.PURCHASED:
        raise CheckoutError(f"You have already bought academic credit for {credential.title}.")
    lines = price_lines(credential, include_enrolment=False, include_credit=True)
    return _create(user, credential, lines)


def _create(user, credential, lines):
    total = sum((line.amount for line in lines), Decimal("0.00"))
    order = Order.objects.create(user=user, total=total)
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            microcredential=credential,
            kind=line.kind,
            description=line.description,
            amount=line.amount,
        )
        for line in lines
    )
    return order


@transaction.atomic
def enrol_free(user, credential_id):
    """Enrol in a free credential at once, with no order.

    The learner is held (learner_lock) so a double click enrols once and the second click is told
    so, instead of tripping over the one-enrolment constraint.
    """
    learner_lock(user)
    credential = _purchasable_credential(credential_id)
    if not credential.is_free:
        raise CheckoutError(f"{credential.title} is not free.")
    # Not only active ones: a revoked enrolment is brought back rather than duplicated.
    enrolment = Enrolment.objects.filter(user=user, microcredential=credential).first()
    if enrolment is not None and enrolment.is_active:
        raise CheckoutError(f"You are already enrolled in {credential.title}.")
    if enrolment is not None:
        enrolment.status = EnrolmentStatus.ACTIVE
        enrolment.save(update_fields=["status"])
        return enrolment
    return Enrolment.objects.create(
        user=user, microcredential=credential, credit_status=initial_credit_status(credential)
    )


def initial_credit_status(credential):
    # Credit that costs nothing extra comes with the enrolment.
    return (
        CreditStatus.INCLUDED
        if credential.offers_credit and not credential.sells_credit
        else CreditStatus.NONE
    )


@dataclass
class FulfilmentResult:
    order: Order
    fulfilled_now: bool
    reason: str = ""


def fulfil_order(order_id, amount_cents, currency, card_brand="", card_last4="", hold=""):
    """Mark a pending order paid and enrol its learner — exactly once, whoever calls first.

    The amount and currency are what the payment provider says was paid; if they differ from
    the order, nothing is fulfilled and the order is flagged for staff instead. Money is never
    lost silently: a payment for a cancelled order, for something the learner already had, for a
    credential that can no longer be bought (unpublished or made private since the order was
    made), or one the caller holds back (`hold`: why, e.g. the PaymentIntent names another order)
    is recorded (the order becomes paid, so staff can refund it from the admin), nobody is
    enrolled, and the order is flagged for staff.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status == OrderStatus.CANCELLED:
            order.flag_for_review(
                f"Payment of {amount_cents} {currency} arrived for a cancelled order; refund it."
                + (f" Also: {hold}." if hold else "")
            )
            return FulfilmentResult(order, False, "paid after cancellation")
        if order.status != OrderStatus.PENDING:
            if hold:
                order.flag_for_review(f"A payment arrived for this {order.status} order, but {hold}.")
            return FulfilmentResult(order, False, f"already {order.status}")
        if amount_cents != to_cents(order.total) or (currency or "").upper() != order.currency:
            order.flag_for_review(
                f"Payment of {amount_cents} {currency} does not match the order total "
                f"{to_cents(order.total)} {order.currency}; not fulfilled."
                + (f" Also: {hold}." if hold else "")
            )
            return FulfilmentResult(order, False, "amount mismatch")
        lines = order_lines(order)
        enrolments = enrolments_for(order.user_id, lines, lock=True)
        unavailable = unavailable_titles(lines)
        duplicate = already_had(order, lines, enrolments)
        order.card_brand, order.card_last4 = card_brand[:20], card_last4[-4:]
        card = f" with the card ending {order.card_last4}" if order.card_last4 else ""
        order.transition_to(OrderStatus.PAID, note=f"{format_money(order.total)} paid{card}.")
        if hold:
            order.flag_for_review(
                f"Paid, but {hold}; nobody was enrolled. Check the payment in Stripe, then refund this order."
            )
            return FulfilmentResult(order, False, "held for review")
        if unavailable:  # unpublished or made private after the order was made
            order.flag_for_review(
                f"Paid, but {', '.join(unavailable)} can no longer be bought (unpublished or made "
                "private after the order was made); nobody was enrolled. Refund this order."
            )
            return FulfilmentResult(order, False, "no longer available")
        if duplicate:  # paid twice (two tabs); keep the money on record and ask staff to refund
            order.flag_for_review(f"Paid, but the learner already had it: {duplicate} Refund this order.")
            return FulfilmentResult(order, False, "already enrolled")
        for line in lines:
            _apply_line(order, line, enrolments)
        # robust: a failure to queue the email is logged and never turns a payment into an error.
        transaction.on_commit(lambda: _enqueue_receipt(order.pk), robust=True)
        return FulfilmentResult(order, True)


def _enqueue_receipt(order_id):
    from .tasks import send_receipt_email

    send_receipt_email.enqueue(order_id)


def _apply_line(order, line, enrolments):
    enrolment = enrolments.get(line.microcredential_id)
    if line.kind == LineKind.ENROLMENT:
        if enrolment is None:
            try:
                with transaction.atomic():
                    enrolment = Enrolment.objects.create(
                        user_id=order.user_id,
                        microcredential_id=line.microcredential_id,
                        order=order,
                        credit_status=initial_credit_status(line.microcredential),
                    )
            except IntegrityError:  # created by a concurrent free enrolment; reuse it
                enrolment = Enrolment.objects.select_for_update().get(
                    user_id=order.user_id, microcredential_id=line.microcredential_id
                )
            enrolments[line.microcredential_id] = enrolment
        if not enrolment.is_active:
            enrolment.status = EnrolmentStatus.ACTIVE
            enrolment.order = order
            enrolment.save(update_fields=["status", "order"])
    elif line.kind == LineKind.CREDIT_CONVERSION and enrolment is not None:
        enrolment.credit_status = CreditStatus.PURCHASED
        enrolment.save(update_fields=["credit_status"])
