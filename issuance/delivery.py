"""Sending one delivery: claim its outbox row, sign and POST it with no transaction open, then
record the attempt and what follows from the answer.

    2xx        delivered; a credential in the answer goes onto the completion
    410        the issuer says the endpoint is gone: disable it and tell staff; the delivery
               stays pending and goes out if staff enable the endpoint again
    429, 503   with Retry-After: the next attempt when the receiver asked (capped)
    otherwise  (other answers, timeouts, refused or reset connections): the next attempt after
               ISSUANCE_RETRY_SCHEDULE's wait, with jitter; after the last one, dead-lettered

The claim is one UPDATE whose WHERE says "due and free" (pending and due, or sending with an
expired lease) on an endpoint neither paused nor disabled, so two workers given the same id
cannot both send it. The lease it sets is also a fencing token: what a worker records after
sending changes the delivery only if the row still carries that worker's lease, so a worker so
slow that another took the row over adds its attempt to the history and nothing else.

django-tasks has no retries of its own: each next attempt is a task enqueued with run_after.
If that task is lost (a worker killed mid-task, a failed enqueue), the row is still due, and
`manage.py dispatch_deliveries` queues it again (issuance/outbox.py).
"""

import datetime
import email.utils
import functools
import json
import logging
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from .models import Completion, Delivery, DeliveryAttempt, DeliveryStatus, EventType, IssuerEndpoint
from .signing import sign_headers

logger = logging.getLogger(__name__)

MAX_RESPONSE_BYTES = 64 * 1024  # read no more of an answer than this
ATTEMPT_EXCERPT = 2000  # characters of the answer kept per attempt
LAST_EXCERPT = 500  # and on the delivery, for the listing
USER_AGENT = "MicrocredentialCatalog-Webhooks/1.0"
DELIVERY_BATCH = 10  # deliveries claimed and sent at once by one worker


@dataclass(frozen=True)
class Outcome:
    """What one POST came to: an HTTP answer (status_code set) or a failure to get one (error)."""

    status_code: int | None
    body: bytes = b""
    error: str = ""
    retry_after: str | None = None
    duration_ms: int = 0

    @property
    def succeeded(self):
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def excerpt(self):
        return printable(self.body.decode("utf-8", errors="replace"))


def printable(text):
    """Text a database column can hold: PostgreSQL refuses NUL characters."""
    return text.replace("\x00", "")


def attempt_delivery(delivery_id):
    """Send the delivery once if it is due and free; returns the recorded DeliveryAttempt, or
    None when there was nothing to do (not due, taken by another worker, endpoint paused)."""
    delivery = claim(delivery_id)
    if delivery is None:
        return None
    outcome = post(delivery)
    return record(delivery, outcome)


def lease_seconds():
    return settings.ISSUANCE_DELIVERY_TIMEOUT + settings.ISSUANCE_LEASE_MARGIN


def claimable(now):
    """Deliveries a worker may take now: due and pending, or sending with an expired lease, on an
    endpoint that is neither paused nor disabled. Every condition on the delivery is on its own
    row (the endpoint's in a subquery), so PostgreSQL re-checks them on the row a concurrent
    claim just wrote and the loser of a race claims nothing."""
    usable_endpoints = IssuerEndpoint.objects.filter(is_paused=False, disabled_at__isnull=True).values("pk")
    return Delivery.objects.filter(
        Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        | Q(status=DeliveryStatus.SENDING, lease_expires_at__lte=now),
        endpoint_id__in=usable_endpoints,
    )


@contextmanager
def bookkeeping():
    """A short transaction for a delivery's status, whose commit does not wait for the disk on
    PostgreSQL (synchronous_commit off, for this transaction only).

    Safe because the outbox row itself was written durably with its completion: if the database
    crashed and lost such a commit, the delivery would only go back to an earlier state (due, or
    sending with a lease that runs out) and be sent again under the same webhook-id, which the
    issuer drops as a repeat. Visibility to other workers is unchanged. It saves a disk flush
    (about 4 ms on this project's VMs) twice per attempt, which decides the deliveries per second.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def claim(delivery_id):
    """Take the delivery for one attempt (status sending, a lease, attempts + 1) or None."""
    now = timezone.now()
    with bookkeeping():
        taken = (
            claimable(now)
            .filter(pk=delivery_id)
            .update(
                status=DeliveryStatus.SENDING,
                lease_expires_at=now + datetime.timedelta(seconds=lease_seconds()),
                attempts=F("attempts") + 1,
                last_attempt_at=now,
            )
        )
    if not taken:
        return None
    return Delivery.objects.select_related("endpoint").get(pk=delivery_id)


_sessions = threading.local()


def http_session():
    """One requests.Session per thread: connections to an issuer are kept alive between
    attempts, which matters when a worker sends hundreds a second."""
    if not hasattr(_sessions, "session"):
        session = requests.Session()
        # Proxies come from proxies_for(), not from walking the environment on every request
        # as requests does by default (about a millisecond per attempt).
        session.trust_env = False
        _sessions.session = session
    return _sessions.session


@functools.lru_cache(maxsize=256)
def proxies_for(url):
    """The proxies the environment (HTTPS_PROXY, NO_PROXY…) gives for this URL, read once."""
    return requests.utils.get_environ_proxies(url)


def post(delivery):
    """POST the signed body; never raises for anything the network or the receiver does."""
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False)
    headers = sign_headers(delivery.endpoint.secret, delivery.message_id, timezone.now(), body)
    headers.update({"content-type": "application/json", "user-agent": USER_AGENT})
    timeout = settings.ISSUANCE_DELIVERY_TIMEOUT
    started = time.perf_counter()
    deadline = time.monotonic() + timeout

    def took():
        return int((time.perf_counter() - started) * 1000)

    try:
        response = http_session().post(
            delivery.endpoint.url,
            data=body.encode(),
            headers=headers,
            timeout=timeout,
            allow_redirects=False,  # a redirect is a failure: the issuer should fix its URL
            proxies=proxies_for(delivery.endpoint.url),
            stream=True,
        )
        try:
            content = read_capped(response, deadline)
        finally:
            response.close()
    except requests.Timeout:
        return Outcome(None, error=f"No answer within {timeout:g} s.", duration_ms=took())
    except requests.ConnectionError as error:
        return Outcome(None, error=printable(f"Connection failed: {error}")[:300], duration_ms=took())
    except requests.RequestException as error:
        return Outcome(None, error=printable(f"Request failed: {error}")[:300], duration_ms=took())
    return Outcome(
        response.status_code,
        body=content,
        retry_after=response.headers.get("retry-after"),
        duration_ms=took(),
    )


def read_capped(response, deadline):
    """The first MAX_RESPONSE_BYTES of the answer, within the attempt's deadline: requests'
    timeout bounds each wait for bytes, not a receiver that trickles them forever."""
    chunks, size = [], 0
    for chunk in response.iter_content(8192):
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_RESPONSE_BYTES:
            break
        if time.monotonic() > deadline:
            raise requests.Timeout("The answer took longer than the attempt's timeout.")
    return b"".join(chunks)[:MAX_RESPONSE_BYTES]


def record(delivery, outcome):
    """Write the attempt and its consequences in one short transaction; returns the attempt."""
    return record_batch([(delivery, outcome)])[0]


def record_batch(sent):
    """Write the attempts of several deliveries (pairs of delivery, outcome) and what follows from
    each in one short transaction; returns the DeliveryAttempts in the same order.

    Each delivery's row changes only if it still carries the lease this worker claimed it with
    (the fence, see the module docstring); its attempt is logged either way.
    """
    now = timezone.now()
    scheduled, disabled = [], set()
    with bookkeeping():
        made = DeliveryAttempt.objects.filter(delivery__in=[delivery.pk for delivery, _ in sent])
        numbers = dict(made.values_list("delivery").annotate(Count("pk")).order_by())
        attempts = DeliveryAttempt.objects.bulk_create(
            DeliveryAttempt(
                delivery=delivery,
                number=numbers.get(delivery.pk, 0) + 1,
                started_at=delivery.last_attempt_at,
                duration_ms=outcome.duration_ms,
                status_code=outcome.status_code,
                error=outcome.error,
                response_excerpt=outcome.excerpt[:ATTEMPT_EXCERPT],
            )
            for delivery, outcome in sent
        )
        for delivery, outcome in sent:
            schedule_at, gone = apply_outcome(delivery, outcome, now)
            if schedule_at is not None:
                scheduled.append((delivery.pk, schedule_at))
            if gone:
                disabled.add(delivery.endpoint_id)
        for delivery_id, schedule_at in scheduled:
            transaction.on_commit(functools.partial(schedule_attempt, delivery_id, schedule_at), robust=True)
        for endpoint_id in disabled:
            transaction.on_commit(functools.partial(tell_staff_endpoint_disabled, endpoint_id), robust=True)
    return attempts


def apply_outcome(delivery, outcome, now):
    """Change the delivery (if still this worker's) after one answer; returns (when to try again
    or None, whether this answer disabled the endpoint)."""
    mine = Delivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.SENDING, lease_expires_at=delivery.lease_expires_at
    )
    last = {
        "last_status_code": outcome.status_code,
        "last_response_excerpt": outcome.excerpt[:LAST_EXCERPT],
        "last_error": outcome.error,
        "lease_expires_at": None,
    }
    if outcome.succeeded:
        mine.update(status=DeliveryStatus.DELIVERED, delivered_at=now, next_attempt_at=None, **last)
        credential = credential_from_answer(outcome.body)
        if credential and delivery.event_type != EventType.CREDENTIAL_REVOKED:
            store_credential(delivery.completion_id, *credential)
        return None, False
    if outcome.status_code == 410:
        # Held, not dead: if staff enable the endpoint again (a new URL, a mistake) it goes out.
        mine.update(status=DeliveryStatus.PENDING, next_attempt_at=now, **last)
        return None, disable_endpoint(delivery.endpoint_id, "The issuer answered 410 Gone.", now)
    delay = retry_delay(delivery.attempts, outcome)
    if delay is None:
        mine.update(status=DeliveryStatus.DEAD, next_attempt_at=None, **last)
        return None, False
    schedule_at = now + datetime.timedelta(seconds=delay)
    if mine.update(status=DeliveryStatus.PENDING, next_attempt_at=schedule_at, **last) == 0:
        return None, False  # another worker holds it now
    return schedule_at, False


# --- sending whatever is due, a batch at a time ---


def claim_batch(limit, now=None):
    """Take up to `limit` due deliveries for one attempt each (as claim() does for one), oldest
    due first; returns them, with their endpoints.

    On PostgreSQL the rows are read FOR UPDATE SKIP LOCKED, so two workers claiming at once take
    different rows without waiting for each other; the UPDATE re-checks that each is still
    claimable, and only the rows it changed (carrying this claim's lease) are returned.
    """
    now = now or timezone.now()
    lease = now + datetime.timedelta(seconds=lease_seconds())
    with bookkeeping():
        due = claimable(now).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        ids = list(due.values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        claimable(now).filter(pk__in=ids).update(
            status=DeliveryStatus.SENDING,
            lease_expires_at=lease,
            attempts=F("attempts") + 1,
            last_attempt_at=now,
        )
        return list(
            Delivery.objects.select_related("endpoint")
            .filter(pk__in=ids, status=DeliveryStatus.SENDING, lease_expires_at=lease, last_attempt_at=now)
            .order_by("next_attempt_at", "pk")
        )


_senders = None
_senders_lock = threading.Lock()


def senders():
    """The worker's pool of sending threads (each with its own kept-alive HTTP session)."""
    global _senders
    with _senders_lock:
        if _senders is None:
            _senders = ThreadPoolExecutor(max_workers=DELIVERY_BATCH, thread_name_prefix="issuer-post")
        return _senders


def deliver_due(*, batch=None, budget_seconds=None):
    """Send due deliveries, a batch at a time, until none is due or `budget_seconds` have passed;
    returns how many were attempted and whether some may still be due.

    A batch is claimed in one statement, its POSTs go out at once (one thread each, so the batch
    takes as long as its slowest answer, within the one-attempt lease every row carries), and
    its attempts are recorded in one transaction: a few round trips to the database per batch
    instead of a dozen per delivery, which is what decides the deliveries per second.
    """
    batch = batch or DELIVERY_BATCH
    budget = settings.ISSUANCE_DRAIN_SECONDS if budget_seconds is None else budget_seconds
    stop_at = time.monotonic() + budget
    attempted = 0
    while True:
        claimed = claim_batch(batch)
        if not claimed:
            return attempted, False
        if len(claimed) == batch:
            from .tasks import wake_deliverers

            wake_deliverers(helper=True)  # more is due: another worker may help
        if len(claimed) == 1:
            outcomes = [post(claimed[0])]
        else:
            outcomes = list(senders().map(post, claimed))
        record_batch(list(zip(claimed, outcomes, strict=True)))
        attempted += len(claimed)
        if time.monotonic() >= stop_at:
            return attempted, len(claimed) == batch


def retry_delay(attempts, outcome):
    """Seconds until the next attempt after `attempts` tries, or None when none is left."""
    schedule = settings.ISSUANCE_RETRY_SCHEDULE
    if attempts >= len(schedule):
        return None
    if outcome.status_code in (429, 503):
        asked = retry_after_seconds(outcome.retry_after)
        if asked is not None:
            return min(asked, settings.ISSUANCE_RETRY_AFTER_MAX)
    wait = schedule[attempts]
    jitter = settings.ISSUANCE_RETRY_JITTER
    return wait * random.uniform(1 - jitter, 1 + jitter) if wait else 0  # noqa: S311 (not security)


def retry_after_seconds(value, now=None):
    """Retry-After as seconds from now: a number of seconds or an HTTP date; None if unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return max(0.0, (moment - (now or timezone.now())).total_seconds())


def schedule_attempt(delivery_id, when):
    """Queue the next attempt for `when` (run_after). A backend that cannot defer tasks (the
    tests' immediate one) gets nothing: the row is due then, and the re-dispatcher sends it."""
    from .tasks import deliver

    if when <= timezone.now():
        deliver.enqueue(delivery_id)
    elif deliver.get_backend().supports_defer:
        deliver.using(run_after=when).enqueue(delivery_id)


# --- the credential an issuer gives back ---

_url = URLValidator(schemes=["http", "https"])


def credential_from_answer(body):
    """(url, id) from an issuer's JSON answer, or None.

    Two shapes are read: our documented one, {"credential_url": …, "credential_id": …}, and
    Accredible's, {"credential": {"url": …, "id": …}}. Anything else (no JSON, no URL, a URL that
    is not http(s)) is ignored: the delivery still counts as delivered.
    """
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return credential_from_data(data)


def credential_from_data(data):
    if not isinstance(data, dict):
        return None
    url, identifier = data.get("credential_url"), data.get("credential_id")
    nested = data.get("credential")
    if not url and isinstance(nested, dict):
        url, identifier = nested.get("url"), identifier or nested.get("id")
    if not isinstance(url, str) or len(url) > Completion._meta.get_field("credential_url").max_length:
        return None
    if not url.isprintable():  # control characters; PostgreSQL cannot store a NUL
        return None
    try:
        _url(url)
    except ValidationError:
        return None
    identifier = (
        str(identifier) if isinstance(identifier, str | int) and not isinstance(identifier, bool) else ""
    )
    return url, printable(identifier)[:255]


def store_credential(completion_id, url, identifier, *, replace=False):
    """Put the issued credential on the completion. From a delivery's answer only when none is
    there yet (with two issuers, the first answer wins); the signed callback replaces it."""
    completions = Completion.objects.filter(pk=completion_id)
    if not replace:
        completions = completions.filter(credential_url="")
    return completions.update(credential_url=url, credential_id=identifier, issued_at=timezone.now())


# --- an endpoint that is gone ---


def disable_endpoint(endpoint_id, reason, now):
    """Disable once; True only for the call that did it (so staff hear about it once)."""
    return bool(
        IssuerEndpoint.objects.filter(pk=endpoint_id, disabled_at__isnull=True).update(
            disabled_at=now, disabled_reason=reason[:300]
        )
    )


def staff_to_tell():
    """Active superusers with an address: they can enable the endpoint again."""
    return list(
        get_user_model()
        .objects.filter(is_active=True, is_superuser=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def tell_staff_endpoint_disabled(endpoint_id):
    endpoint = IssuerEndpoint.objects.get(pk=endpoint_id)
    held = endpoint.deliveries.filter(status=DeliveryStatus.PENDING).count()
    try:
        link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
            "issuer_endpoints:edit", args=[endpoint.pk]
        )
    except NoReverseMatch:
        link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/admin/"
    logger.warning("Issuer endpoint %s disabled: %s", endpoint.url, endpoint.disabled_reason)
    recipients = staff_to_tell()
    if not recipients:
        return
    send_mail(
        subject=f"Issuer endpoint disabled: {endpoint}",
        message=(
            f"The badge issuer at {endpoint.url} answered 410 Gone, which means the endpoint no\n"
            f"longer exists, so it has been disabled and nothing more is sent to it.\n\n"
            f"{held} delivery(ies) to it are held. Once the issuer gives you a working URL, edit the\n"
            f"endpoint and enable it again; the held deliveries then go out:\n\n{link}\n"
        ),
        from_email=None,
        recipient_list=recipients,
    )
