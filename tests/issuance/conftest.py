import datetime

import pytest
from django.utils import timezone

from accounts.models import User
from checkout.models import Enrolment
from devtools.issuer_receiver import IssuerReceiver
from issuance.models import Delivery, IssuerEndpoint, new_webhook_secret
from issuance.services import record_completion
from tests.builders import make_credential

TODAY = datetime.date(2026, 11, 2)


@pytest.fixture
def receiver():
    """The reference issuer (devtools/issuer_receiver.py) on a free loopback port, in a thread:
    real HTTP, real signature checks. Tests script its answers through `receiver.script`."""
    server = IssuerReceiver(new_webhook_secret(), port=0, hang_seconds=1.5)
    server.start_in_thread()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def quick_retries(settings):
    """Three attempts, no waits between them, one second to answer."""
    settings.ISSUANCE_RETRY_SCHEDULE = [0, 0, 0]
    settings.ISSUANCE_RETRY_JITTER = 0
    settings.ISSUANCE_DELIVERY_TIMEOUT = 1
    settings.ISSUANCE_LEASE_MARGIN = 1
    return settings


@pytest.fixture
def endpoint(db, receiver):
    return IssuerEndpoint.objects.create(
        url=f"{receiver.base_url}/webhooks", description="Reference issuer", secret=receiver.webhook_secret
    )


@pytest.fixture
def learner(db):
    return User.objects.create_user(
        email="ada@example.edu",
        password="x",
        first_name="Ada",
        last_name="Lovelace",
        email_verified_at=timezone.now(),
    )


def complete(learner, credential, **fields):
    """Enrol the learner and record a completion; returns (completion, its deliveries)."""
    enrolment = Enrolment.objects.create(user=learner, microcredential=credential)
    fields.setdefault("completed_on", TODAY)
    fields.setdefault("source", "admin")
    completion, _ = record_completion(enrolment, **fields)
    return completion, list(Delivery.objects.filter(completion=completion))


@pytest.fixture
def delivery(partner, learner, endpoint, quick_retries):
    """One credential.completed delivery to the receiver, due now."""
    _, deliveries = complete(learner, make_credential(partner, title="Data Cleaning"), result="Pass")
    (row,) = deliveries
    return row
