"""The integration API, version 1: the roster an LMS enrols people from, and completions it reports.

JSON only, with a per-integration token (`Authorization: Bearer mct_…`, IntegrationToken); no
session, so no CSRF. Every error is `{"errors": {"<field or header>": "<message>"}}` with a 4xx
status; docs/API.md is the contract. A token scoped to partners sees only the credentials those
partners offer (the PartnerPage the credential sits under); anything else is a 404 exactly like a
code that does not exist, so a token cannot learn what other partners offer.

A completion goes through services.record_completion(), like the admin's and the CSV's, so a
completion reported twice by any mix of routes is one completion. The Idempotency-Key answer is
stored in the same transaction as the completion: both are written, or neither.
"""

import base64
import binascii
import datetime
import hashlib
import json
from functools import wraps
from urllib.parse import urlencode

from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.http import JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt

from checkout.models import Enrolment, LineKind, OrderLine

from .enrolment_completions import latest_completion, with_completions
from .intake import CODE_MAX_LENGTH, FIELDS, clean_report, find_credential, find_enrolment_by_email
from .models import Completion, CompletionSource, IdempotencyRecord, IntegrationToken
from .services import CompletionError, record_completion

PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
MAX_BODY_BYTES = 16 * 1024
MAX_TOKEN_LENGTH = 200
IDEMPOTENCY_KEY_MAX_LENGTH = IdempotencyRecord._meta.get_field("key").max_length
# last_used_at is written at most once a minute per token: staff need "in use lately", not a
# write on every request.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)
# A record_completion() field that is not a body field is reported under the body field that
# chose it: the enrolment is the learner's enrolment in the credential.
ERROR_FIELDS = {"enrolment": "learner_email"}


class ApiError(Exception):
    def __init__(self, status, field, message, headers=None):
        super().__init__(message)
        self.status, self.field, self.message, self.headers = status, field, message, headers or {}


def json_response(body, status=200, headers=None):
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def error_response(status, errors, headers=None):
    return json_response({"errors": errors}, status=status, headers=headers)


def api_view(*methods):
    """A token-authenticated JSON view answering only `methods`; ApiError becomes its 4xx."""

    def decorator(view):
        @csrf_exempt
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                if request.method not in methods:
                    raise ApiError(
                        405, "method", f"Use {' or '.join(methods)}.", headers={"Allow": ", ".join(methods)}
                    )
                token = authenticate(request)
                return view(request, token, *args, **kwargs)
            except ApiError as error:
                return error_response(error.status, {error.field: error.message}, headers=error.headers)

        return wrapped

    return decorator


def authenticate(request):
    """The usable token the request carries, or a 401; notes the use (at most once a minute)."""
    challenge = {"WWW-Authenticate": 'Bearer realm="api"'}
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise ApiError(
            401, "Authorization", "Send your integration token as 'Authorization: Bearer <token>'.", challenge
        )
    invalid = ApiError(
        401, "Authorization", "This token is not valid.", {"WWW-Authenticate": 'Bearer error="invalid_token"'}
    )
    if len(token) > MAX_TOKEN_LENGTH or not token.isascii():
        raise invalid
    row = IntegrationToken.objects.filter(token_hash=IntegrationToken.hash(token)).first()
    if row is None:
        raise invalid
    if row.is_revoked:
        raise ApiError(
            401,
            "Authorization",
            "This token was revoked.",
            {"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_PRECISION:
        IntegrationToken.objects.filter(pk=row.pk).update(last_used_at=now)
    row.partner_ids = row.scope_partner_ids()
    if row.partner_ids == []:
        raise ApiError(
            403,
            "Authorization",
            "This token covers no partner (its partners were removed), so it may read and report "
            "nothing. Ask staff to give it partners, or all partners, in the admin.",
        )
    return row


def iso(value):
    """A datetime in UTC with every microsecond kept (the roster's cursor depends on them)."""
    if value is None:
        return None
    return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


# --- GET /api/v1/enrolments/?credential=CODE ---


def roster(credential):
    """The credential's enrolments, each with `changed_at`: when it was made, or last changed status.

    A status changes when a completion is recorded or revoked, when a refund revokes the
    enrolment, and when a paid re-enrolment brings a refunded one back (its order's payment time).
    These are read from the rows that record them, because checkout's Enrolment keeps no change
    time of its own and issuance does not write checkout's tables.
    """
    refunded_at = (
        OrderLine.objects.filter(
            order__user=OuterRef("user"),
            microcredential=OuterRef("microcredential"),
            kind=LineKind.ENROLMENT,
            refunded_at__isnull=False,
        )
        .order_by("-refunded_at")
        .values("refunded_at")[:1]
    )
    # An enrolment completed, refunded, bought again and completed again has several completions.
    completions = Completion.objects.filter(enrolment=OuterRef("pk"))
    # Greatest() of NULLs differs by database (NULL on SQLite), so each candidate falls back to created_at.
    changed_at = Greatest(
        "created_at",
        Coalesce("order__paid_at", "created_at"),
        Coalesce(Subquery(refunded_at), "created_at"),
        Coalesce(Subquery(completions.order_by("-created_at").values("created_at")[:1]), "created_at"),
        Coalesce(
            Subquery(
                completions.filter(revoked_at__isnull=False).order_by("-revoked_at").values("revoked_at")[:1]
            ),
            "created_at",
        ),
    )
    return with_completions(
        Enrolment.objects.filter(microcredential=credential)
        .select_related("user")
        .annotate(changed_at=changed_at)
    )


def roster_entry(enrolment):
    learner = enrolment.user
    completion = latest_completion(enrolment)
    return {
        "id": enrolment.pk,
        "learner": {
            "email": learner.email,
            "name": learner.get_full_name() or learner.email,
            "first_name": learner.first_name,
            "last_name": learner.last_name,
        },
        "status": enrolment.status,
        "enrolled_at": iso(enrolment.created_at),
        "changed_at": iso(enrolment.changed_at),
        "completion": None
        if completion is None
        else {
            "id": completion.pk,
            "result": completion.result,
            "completed_on": completion.completed_on.isoformat(),
            "source": completion.source,
            "recorded_at": iso(completion.created_at),
            "revoked_at": iso(completion.revoked_at),
        },
    }


def parse_since(value):
    """An ISO 8601 datetime (UTC when it names no offset) or date (its midnight, UTC)."""
    if value is None:
        return None
    text = value.strip()
    if "T" in text and " " in text:  # an unencoded "+01:00" in a query string arrives as " 01:00"
        text = text.replace(" ", "+")
    try:
        parsed = parse_datetime(text)
        if parsed is None and (day := parse_date(text)) is not None:
            parsed = datetime.datetime.combine(day, datetime.time())
        if parsed is None:
            raise ValueError
        if timezone.is_naive(parsed):
            parsed = parsed.replace(tzinfo=datetime.UTC)
        return parsed.astimezone(datetime.UTC)
    except (ValueError, OverflowError):
        raise ApiError(
            400, "since", "Not a date and time: use ISO 8601, e.g. 2026-11-28T09:30:00Z."
        ) from None


def parse_page_size(value):
    if value is None:
        return PAGE_SIZE
    if not (value.isascii() and value.isdigit() and len(value) <= 4 and 1 <= int(value) <= MAX_PAGE_SIZE):
        raise ApiError(400, "page_size", f"page_size must be a whole number from 1 to {MAX_PAGE_SIZE}.")
    return int(value)


def make_cursor(enrolment):
    return base64.urlsafe_b64encode(f"{iso(enrolment.changed_at)}|{enrolment.pk}".encode()).decode()


def parse_cursor(value):
    """(changed_at, id) of the last entry of the previous page, from the `next` link."""
    if value is None:
        return None
    try:
        stamp, _, pk = base64.urlsafe_b64decode(value.encode("ascii")).decode("ascii").partition("|")
        changed_at = parse_datetime(stamp)
        if changed_at is None or timezone.is_naive(changed_at) or not pk.isdigit() or int(pk) >= 2**63:
            raise ValueError
        return changed_at, int(pk)
    except (ValueError, UnicodeError, binascii.Error):
        raise ApiError(
            400, "cursor", "This cursor is not one we gave out: follow the next link as it is."
        ) from None


@api_view("GET")
def enrolments(request, token):
    code = request.GET.get("credential", "").strip().upper()
    if not code:
        raise ApiError(400, "credential", "Name the credential by its code: ?credential=CODE.")
    try:
        if len(code) > CODE_MAX_LENGTH:
            raise CompletionError("No credential with this code.", field="credential_code")
        credential = find_credential(code, token.partner_ids)
    except CompletionError as error:
        raise ApiError(404, "credential", error.message) from None
    since = parse_since(request.GET.get("since"))
    page_size = parse_page_size(request.GET.get("page_size"))
    cursor = parse_cursor(request.GET.get("cursor"))

    entries = roster(credential)
    if since is not None:
        entries = entries.filter(changed_at__gte=since)
    count = entries.count()
    if cursor is not None:
        changed_at, pk = cursor
        entries = entries.filter(Q(changed_at__gt=changed_at) | Q(changed_at=changed_at, pk__gt=pk))
    page = list(entries.order_by("changed_at", "pk")[: page_size + 1])
    next_url = None
    if len(page) > page_size:
        page = page[:page_size]
        query = {"credential": credential.short_code, "cursor": make_cursor(page[-1])}
        if since is not None:
            query["since"] = iso(since)
        if page_size != PAGE_SIZE:
            query["page_size"] = page_size
        next_url = request.build_absolute_uri(request.path) + "?" + urlencode(query)
    return json_response(
        {
            "credential": {"code": credential.short_code, "title": credential.title},
            "count": count,
            "next": next_url,
            "results": [roster_entry(enrolment) for enrolment in page],
        }
    )


# --- POST /api/v1/completions/ ---


def idempotency_key(request):
    key = request.headers.get("Idempotency-Key")
    if key is None or not key.strip():
        raise ApiError(
            400, "Idempotency-Key", "Send an Idempotency-Key header, e.g. a UUID, unique per completion."
        )
    key = key.strip()
    if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise ApiError(
            400,
            "Idempotency-Key",
            f"The Idempotency-Key is longer than {IDEMPOTENCY_KEY_MAX_LENGTH} characters.",
        )
    if not all(" " <= character <= "~" for character in key):
        raise ApiError(400, "Idempotency-Key", "The Idempotency-Key must be printable ASCII.")
    return key


def read_body(request):
    """(the body parsed, its fingerprint). The fingerprint of a JSON body ignores spacing and key
    order, so a client that re-serialises the same values is still sending "the same body"."""
    too_large = ApiError(413, "body", f"The body is larger than {MAX_BODY_BYTES} bytes.")
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or len(length) > 12 or int(length) > MAX_BODY_BYTES:
        raise too_large
    try:
        raw = request.body
    except RequestDataTooBig:
        raise too_large from None
    if len(raw) > MAX_BODY_BYTES:
        raise too_large
    try:
        body = json.loads(raw)
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, RecursionError):
        return None, hashlib.sha256(raw).hexdigest()
    return body, hashlib.sha256(canonical).hexdigest()


def validate(body):
    if body is None:
        raise ApiError(400, "body", "The body must be JSON (Content-Type: application/json).")
    if not isinstance(body, dict):
        raise ApiError(400, "body", "The body must be a JSON object.")
    for name in body:
        if name not in FIELDS:
            raise ApiError(400, name[:100], "Unknown field.")
    for name in FIELDS:
        if name not in body:
            raise ApiError(400, name, "This field is required.")
    try:
        return clean_report(*(body[name] for name in FIELDS))
    except CompletionError as error:
        raise ApiError(400, error.field, error.message) from None


def completion_entry(completion):
    return {
        "id": completion.pk,
        "learner_email": completion.learner.email,
        "credential_code": completion.enrolment.microcredential.short_code,
        "enrolment_id": completion.enrolment_id,
        "result": completion.result,
        "completed_on": completion.completed_on.isoformat(),
        "source": completion.source,
        "recorded_at": iso(completion.created_at),
        "revoked_at": iso(completion.revoked_at),
    }


def replay(record, fingerprint):
    if record.request_fingerprint != fingerprint:
        raise ApiError(
            409,
            "Idempotency-Key",
            "This key was already used with a different body; use a new key for a new report.",
        )
    return json_response(
        record.response_body, status=record.response_status, headers={"Idempotent-Replayed": "true"}
    )


def complete(token, report):
    """(status, body) for a valid report; CompletionError says which field is wrong."""
    credential = find_credential(report["credential_code"], token.partner_ids)
    enrolment = find_enrolment_by_email(report["learner_email"], credential)
    completion, created = record_completion(
        enrolment,
        result=report["result"],
        completed_on=report["completed_on"],
        source=CompletionSource.API,
        token=token,
    )
    return (201 if created else 200), completion_entry(completion)


NOT_FOUND_FIELDS = {"credential_code", "learner_email"}


@api_view("POST")
def completions(request, token):
    key = idempotency_key(request)
    body, fingerprint = read_body(request)
    record = IdempotencyRecord.objects.filter(token=token, key=key).first()
    if record is not None:
        return replay(record, fingerprint)
    report = validate(body)
    try:
        with transaction.atomic():
            status, answer = complete(token, report)
            IdempotencyRecord.objects.create(
                token=token,
                key=key,
                request_fingerprint=fingerprint,
                response_status=status,
                response_body=answer,
            )
    except CompletionError as error:
        field = ERROR_FIELDS.get(error.field, error.field)
        if error.field == "enrolment":
            status = 409  # refunded: the enrolment exists, its state forbids a completion
        elif field in NOT_FOUND_FIELDS:
            status = 404
        else:
            status = 400
        raise ApiError(status, field, error.message) from None
    except IntegrityError:
        # The same key raced us and won (its record is committed); answer as a repeat would.
        record = IdempotencyRecord.objects.filter(token=token, key=key).first()
        if record is None:
            raise
        return replay(record, fingerprint)
    return json_response(answer, status=status)
