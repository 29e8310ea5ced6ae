"""Recording completions and writing the outbox rows that announce them.

Every way a completion arrives (admin, CSV, API) calls record_completion(), so the rules live
once: one completion per enrolment, none for a refunded one, and the deliveries written in the
same transaction as the completion so that neither exists without the other.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from catalog.models import MicrocredentialPage, PathwayPage
from checkout.models import Enrolment, EnrolmentStatus

from .models import Completion, CompletionSource, Delivery, EventType, IssuerEndpoint
from .payloads import event_payload


class CompletionError(Exception):
    """A completion that cannot be recorded; `field` names the input at fault for API answers."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


def record_completion(enrolment, *, result="", completed_on, source, reported_by=None, token=None):
    """Complete an enrolment; returns (completion, created).

    A repeat (the same enrolment reported again, by any route) returns the first completion
    untouched, created False: the first report is the one the issuer was told about. An
    enrolment whose completion a refund revoked, and which the learner bought again (the same
    enrolment, active again), is completed anew: a new completion and a new event.
    """
    if not isinstance(completed_on, datetime.date) or isinstance(completed_on, datetime.datetime):
        raise CompletionError("The completion date must be a date.", field="completed_on")
    if completed_on > timezone.localdate():
        raise CompletionError("The completion date is in the future.", field="completed_on")
    result = (result or "").strip()
    if len(result) > Completion._meta.get_field("result").max_length:
        raise CompletionError("The result is longer than 100 characters.", field="result")

    with transaction.atomic():
        # The row lock serialises two reports of the same enrolment; the loser sees the winner's row.
        enrolment = Enrolment.objects.select_for_update().select_related("user").get(pk=enrolment.pk)
        existing = Completion.objects.current().filter(enrolment=enrolment).first()
        if existing is not None:
            return existing, False
        if enrolment.status == EnrolmentStatus.REVOKED:
            raise CompletionError(
                "This enrolment was refunded, so it cannot be completed.", field="enrolment"
            )
        completion = Completion.objects.create(
            learner=enrolment.user,
            enrolment=enrolment,
            result=result,
            completed_on=completed_on,
            source=source,
            reported_by=reported_by,
            reported_by_token=token,
        )
        enrolment.status = EnrolmentStatus.COMPLETED
        enrolment.save(update_fields=["status"])
        queue_deliveries(completion, EventType.CREDENTIAL_COMPLETED)
        complete_pathways(enrolment.user, enrolment.microcredential, completed_on)
    return completion, True


def completed_credential_ids(learner):
    return set(
        Completion.objects.current()
        .filter(learner=learner, enrolment__isnull=False)
        .values_list("enrolment__microcredential_id", flat=True)
    )


def pathway_is_complete(pathway, done_ids):
    steps = list(pathway.steps.all())
    required = [s.microcredential_id for s in steps if s.required]
    electives = [s.microcredential_id for s in steps if not s.required]
    if not all(pk in done_ids for pk in required):
        return False
    return sum(1 for pk in electives if pk in done_ids) >= pathway.electives_required


def complete_pathways(learner, microcredential, completed_on):
    """Complete every live pathway that this credential was the last missing step of."""
    done_ids = completed_credential_ids(learner)
    pathways = PathwayPage.objects.live().filter(steps__microcredential=microcredential).distinct()
    made = []
    for pathway in pathways:
        if not pathway_is_complete(pathway, done_ids):
            continue
        if Completion.objects.filter(learner=learner, pathway=pathway).exists():
            continue
        completion = Completion.objects.create(
            learner=learner,
            pathway=pathway,
            completed_on=completed_on,
            source=CompletionSource.PATHWAY,
        )
        queue_deliveries(completion, EventType.PATHWAY_COMPLETED)
        made.append(completion)
    return made


def partners_of(page):
    """The partner that offers a credential or pathway (its parent page) and its co-brands."""
    partner_ids = set()
    parent = page.get_parent()
    if parent is not None and parent.specific_class.__name__ == "PartnerPage":
        partner_ids.add(parent.pk)
    if isinstance(page, MicrocredentialPage):
        partner_ids.update(page.partner_links.values_list("partner_id", flat=True))
    return partner_ids


def endpoints_for(completion):
    """The enabled endpoints that cover this completion's credential or pathway."""
    page = completion.subject.specific
    partner_ids = partners_of(page)
    chosen = []
    for endpoint in IssuerEndpoint.objects.enabled().prefetch_related("partners", "microcredentials"):
        endpoint_partners = {p.pk for p in endpoint.partners.all()}
        endpoint_credentials = {c.pk for c in endpoint.microcredentials.all()}
        if not endpoint_partners and not endpoint_credentials:
            chosen.append(endpoint)
        elif endpoint_partners & partner_ids or page.pk in endpoint_credentials:
            chosen.append(endpoint)
    return chosen


def queue_deliveries(completion, event_type):
    """Write one outbox row per covering endpoint, and wake a worker once the transaction commits.

    A learner whose email is not confirmed yet gets rows without a due time: nothing is issued to
    an address nobody has proved they own. release_held_deliveries() sets them due on confirmation.
    """
    endpoints = endpoints_for(completion)
    if not endpoints:
        return []
    payload = event_payload(completion, event_type)
    due = timezone.now() if completion.learner.email_verified_at else None
    rows = [
        Delivery(
            endpoint=endpoint,
            completion=completion,
            event_type=event_type,
            payload=payload,
            next_attempt_at=due,
        )
        for endpoint in endpoints
    ]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    created = list(
        Delivery.objects.filter(completion=completion, event_type=event_type).values_list("pk", flat=True)
    )
    if due is not None:
        from .tasks import dispatch_deliveries

        transaction.on_commit(lambda: dispatch_deliveries(created))
    return created


def release_held_deliveries(learner):
    """The learner confirmed their email: what waited for it is due now."""
    from .tasks import dispatch_deliveries

    held = Delivery.objects.filter(
        completion__learner=learner, next_attempt_at__isnull=True, status="pending"
    )
    ids = list(held.values_list("pk", flat=True))
    if ids:
        Delivery.objects.filter(pk__in=ids).update(next_attempt_at=timezone.now())
        transaction.on_commit(lambda: dispatch_deliveries(ids))
    return ids


def revoke_completion_of(enrolment):
    """A refund revoked a completed enrolment: revoke its completion and tell the issuers."""
    completion = Completion.objects.filter(enrolment=enrolment, revoked_at__isnull=True).first()
    if completion is None:
        return None
    completion.revoked_at = timezone.now()
    completion.save(update_fields=["revoked_at"])
    queue_deliveries(completion, EventType.CREDENTIAL_REVOKED)
    return completion
