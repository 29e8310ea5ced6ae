"""What staff and operations do to the outbox: replay deliveries, pause and resume an endpoint,
and re-dispatch deliveries whose task was lost.

Nothing here sends anything: each function changes rows, then (after the transaction commits)
wakes workers through tasks.dispatch_deliveries, and issuance/delivery.py does the sending.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Delivery, DeliveryStatus, IssuerEndpoint
from .tasks import dispatch_deliveries, queued_delivery_ids


def _dispatch_after_commit(ids):
    if ids:
        transaction.on_commit(lambda: dispatch_deliveries(ids), robust=True)


def replay(deliveries):
    """Send these deliveries again from the start of the retry schedule, under their own
    webhook-id (the issuer can tell a replay from a new event). Delivered and dead-lettered ones
    are sent again; one being sent right now, or held for an unconfirmed email, is left alone.
    Returns the number replayed."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            deliveries.filter(
                Q(status__in=[DeliveryStatus.DELIVERED, DeliveryStatus.DEAD])
                | Q(status=DeliveryStatus.PENDING, next_attempt_at__isnull=False)
            ).values_list("pk", flat=True)
        )
        Delivery.objects.filter(pk__in=ids).exclude(status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.PENDING,
            attempts=0,
            next_attempt_at=now,
            lease_expires_at=None,
            delivered_at=None,
        )
        _dispatch_after_commit(ids)
    return len(ids)


def due_ids(endpoint):
    return list(
        endpoint.deliveries.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)
    )


def pause(endpoint):
    """Hold the endpoint's deliveries: nothing is sent to it until it is resumed."""
    IssuerEndpoint.objects.filter(pk=endpoint.pk).update(is_paused=True)
    endpoint.is_paused = True


def resume(endpoint):
    """Send again: un-pause (and enable, if a 410 disabled it), and dispatch what waited."""
    with transaction.atomic():
        IssuerEndpoint.objects.filter(pk=endpoint.pk).update(
            is_paused=False, disabled_at=None, disabled_reason=""
        )
        endpoint.is_paused, endpoint.disabled_at, endpoint.disabled_reason = False, None, ""
        ids = due_ids(endpoint)
        _dispatch_after_commit(ids)
    return ids


def redispatch_stranded(now=None, limit=10_000):
    """Queue again every delivery that has waited ISSUANCE_REDISPATCH_AFTER seconds past its due
    time (pending) or its lease (sending) with no task waiting for it in the queue: its task was
    lost with a killed worker, or never enqueued. Returns their ids.

    Each one's due time (or lease) is moved to now, so the next pass leaves it alone for another
    ISSUANCE_REDISPATCH_AFTER seconds while its new task waits in the queue. A lease moved to now
    also fences off the worker that held it, if it was only slow (issuance/delivery.py).
    """
    now = now or timezone.now()
    overdue = now - datetime.timedelta(seconds=settings.ISSUANCE_REDISPATCH_AFTER)
    usable_endpoints = IssuerEndpoint.objects.filter(is_paused=False, disabled_at__isnull=True).values("pk")
    stranded_pending = Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=overdue)
    stranded_sending = Q(status=DeliveryStatus.SENDING, lease_expires_at__lte=overdue)
    with transaction.atomic():
        rows = Delivery.objects.filter(endpoint_id__in=usable_endpoints)
        ids = list(
            rows.filter(stranded_pending | stranded_sending)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            waiting = queued_delivery_ids(ids) or set()
            ids = [pk for pk in ids if pk not in waiting]
        if ids:
            rows.filter(stranded_pending, pk__in=ids).update(next_attempt_at=now)
            rows.filter(stranded_sending, pk__in=ids).update(lease_expires_at=now)
        _dispatch_after_commit(ids)
    return ids
