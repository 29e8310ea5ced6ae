"""record_completion(): the one rule every intake route (admin, CSV, API) goes through."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import User
from checkout.models import Enrolment, EnrolmentStatus
from issuance.models import Completion, CompletionSource, Delivery, IssuerEndpoint
from issuance.services import CompletionError, record_completion
from tests.builders import make_credential, make_pathway

TODAY = datetime.date(2026, 11, 2)


@pytest.fixture
def learner(db):
    return User.objects.create_user(
        email="ada@example.edu", password="x", first_name="Ada", email_verified_at=timezone.now()
    )


def enrol(learner, credential):
    return Enrolment.objects.create(user=learner, microcredential=credential)


def test_a_completion_completes_the_enrolment_once(partner, learner):
    enrolment = enrol(learner, make_credential(partner))
    first, created = record_completion(
        enrolment, result="Pass", completed_on=TODAY, source=CompletionSource.ADMIN
    )
    again, created_again = record_completion(
        enrolment, result="Fail", completed_on=TODAY, source=CompletionSource.CSV
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and again.result == "Pass"
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED
    assert Completion.objects.count() == 1


def test_a_refunded_enrolment_cannot_be_completed(partner, learner):
    enrolment = enrol(learner, make_credential(partner))
    Enrolment.objects.filter(pk=enrolment.pk).update(status=EnrolmentStatus.REVOKED)
    with pytest.raises(CompletionError) as error:
        record_completion(enrolment, completed_on=TODAY, source=CompletionSource.ADMIN)
    assert error.value.field == "enrolment"
    assert not Completion.objects.exists()


def test_a_future_date_is_refused(partner, learner):
    enrolment = enrol(learner, make_credential(partner))
    with pytest.raises(CompletionError) as error:
        record_completion(
            enrolment, completed_on=timezone.localdate() + datetime.timedelta(days=1), source="admin"
        )
    assert error.value.field == "completed_on"
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE


def test_the_last_step_completes_the_pathway(partner, learner):
    first, second, elective = (make_credential(partner) for _ in range(3))
    pathway = make_pathway(partner, [(first, True), (second, True), (elective, False)], electives_required=0)
    record_completion(enrol(learner, first), completed_on=TODAY, source="admin")
    assert not Completion.objects.filter(pathway=pathway).exists()
    record_completion(enrol(learner, second), completed_on=TODAY, source="admin")
    assert Completion.objects.filter(pathway=pathway, learner=learner).count() == 1


def test_deliveries_are_written_with_the_completion_only_for_covering_endpoints(partner, catalog, learner):
    from tests.builders import make_partner

    other = make_partner(catalog)
    everything = IssuerEndpoint.objects.create(url="http://127.0.0.1:9/all")
    mine = IssuerEndpoint.objects.create(url="http://127.0.0.1:9/mine")
    mine.partners.set([partner])
    theirs = IssuerEndpoint.objects.create(url="http://127.0.0.1:9/theirs")
    theirs.partners.set([other])
    unverified = User.objects.create_user(email="new@example.edu", password="x")
    # Not verified: rows are written but held (no due time), so nothing is sent yet.
    completion, _ = record_completion(
        enrol(unverified, make_credential(partner)), completed_on=TODAY, source="admin"
    )
    rows = Delivery.objects.filter(completion=completion)
    assert {row.endpoint_id for row in rows} == {everything.pk, mine.pk}
    assert all(row.next_attempt_at is None for row in rows)
