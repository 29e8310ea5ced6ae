"""Failed logins slow down guessing without locking the owner out (accounts/throttling.py).

Counts are kept per account (the email normalised as the user model stores it, so lookalike
spellings count together) with a growing delay between attempts, and per client address with a
generous allowance, in a cache every web process shares.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts import throttling

pytestmark = pytest.mark.django_db
PASSWORD = "a long passphrase 42"
FULL_WIDTH = "ａｎａ＠ｅｘａｍｐｌｅ．ｏｒｇ"  # what a phone's wide keyboard may send for ana@example.org


class Clock:
    """The throttle's clock, moved by hand."""

    def __init__(self, start=1_800_000_000.0):
        self.time = start

    def __call__(self):
        return self.time

    def advance(self, seconds):
        self.time += seconds


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(throttling, "now", clock, raising=False)
    return clock


@pytest.fixture
def ana(db):
    return get_user_model().objects.create_user(
        email="ana@example.org", password=PASSWORD, email_verified_at=timezone.now()
    )


def log_in(client, email, password, address="203.0.113.7"):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=address
    )


def seconds_to_wait(response):
    assert response.status_code == 429, response.status_code
    match = re.search(r"try again in (\d+) seconds?", response.content.decode())
    assert match, "the answer says how long to wait"
    return int(match.group(1))


def test_a_full_width_address_logs_into_the_same_account(client, site_tree, ana):
    assert log_in(client, FULL_WIDTH, PASSWORD).status_code == 302
    assert client.get("/").context["user"] == ana


def test_lookalike_spellings_count_against_one_account(client, site_tree, clock, ana):
    for spelling in [
        "ana@example.org",
        "ANA@example.org",
        " Ana@Example.ORG ",
        FULL_WIDTH,
        "ａｎａ@example.org",
    ]:
        assert log_in(client, spelling, "wrong").status_code == 200
    assert seconds_to_wait(log_in(client, "ana@example.org", PASSWORD)) > 0


def test_the_owner_is_slowed_down_not_locked_out(client, site_tree, clock, ana):
    for _ in range(throttling.FREE_FAILURES):
        assert log_in(client, "ana@example.org", "wrong", address="198.51.100.1").status_code == 200
    # Someone else's guesses delay the owner's next attempt by seconds, not a quarter of an hour ...
    wait = seconds_to_wait(log_in(client, "ana@example.org", PASSWORD))
    assert 0 < wait <= 60
    clock.advance(wait)
    # ... and once the delay has passed, the right password works at once.
    assert log_in(client, "ana@example.org", PASSWORD).status_code == 302


def test_the_delay_grows_with_each_further_failure_and_is_capped(clock):
    delays = [throttling.delay_after(failures) for failures in range(1, 16)]
    assert delays[: throttling.FREE_FAILURES - 1] == [0] * (throttling.FREE_FAILURES - 1)
    growing = delays[throttling.FREE_FAILURES - 1 :]
    assert growing == sorted(growing) and growing[0] > 0
    assert max(growing) == throttling.MAX_DELAY_SECONDS <= 15 * 60


def test_guessing_during_the_delay_is_refused_without_trying_the_password(client, site_tree, clock, ana):
    for _ in range(throttling.FREE_FAILURES):
        log_in(client, "ana@example.org", "wrong")
    wait = seconds_to_wait(log_in(client, "ana@example.org", "wrong again"))
    # Refused attempts neither count as failures nor lengthen the delay.
    assert seconds_to_wait(log_in(client, "ana@example.org", "and again")) <= wait
    clock.advance(wait)
    assert log_in(client, "ana@example.org", "still wrong").status_code == 200
    assert seconds_to_wait(log_in(client, "ana@example.org", PASSWORD)) > wait  # the next delay is longer


def test_one_address_may_fail_generously_across_accounts_and_others_are_unaffected(
    client, site_tree, clock, ana
):
    campus_proxy = "192.0.2.10"
    for number in range(throttling.ADDRESS_FAILURES):
        response = log_in(client, f"learner{number}@example.org", "wrong", address=campus_proxy)
        assert response.status_code == 200, f"failure {number + 1} already throttled the address"
    # Past the allowance, that address waits, whichever account it tries ...
    assert seconds_to_wait(log_in(client, "ana@example.org", PASSWORD, address=campus_proxy)) > 0
    # ... and any other address logs in as usual.
    assert log_in(client, "ana@example.org", PASSWORD, address="203.0.113.99").status_code == 302


def test_two_workers_share_counts_through_the_database_cache(settings, clock):
    location = "accounts_throttle_test_cache"
    settings.CACHES = {
        **settings.CACHES,
        "worker": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": location},
    }
    call_command("createcachetable", verbosity=0)
    # Two cache clients over one table, as two gunicorn workers would each have.
    worker_a, worker_b = DatabaseCache(location, {}), DatabaseCache(location, {})
    for _ in range(throttling.FREE_FAILURES):
        attempt = throttling.LoginThrottle("ana@example.org", "198.51.100.1", cache=worker_a)
        assert attempt.start() == 0
        attempt.failed()
    other_worker = throttling.LoginThrottle("ana@example.org", "203.0.113.5", cache=worker_b)
    assert other_worker.start() > 0


def test_the_admin_login_is_throttled_alike(client, site_tree, clock):
    get_user_model().objects.create_superuser(email="admin@example.org", password=PASSWORD)
    for _ in range(throttling.FREE_FAILURES):
        client.post(reverse("wagtailadmin_login"), {"username": "admin@example.org", "password": "wrong"})
    response = client.post(
        reverse("wagtailadmin_login"), {"username": "admin@example.org", "password": PASSWORD}
    )
    assert "try again in" in response.content.decode() and "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "", "10.0.0.2"),
        (0, "198.51.100.9", "10.0.0.2"),  # no proxy configured: anyone can send the header
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the client wrote the left entry itself
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.1", "203.0.113.5"),
        (2, "203.0.113.5", "10.0.0.2"),  # fewer hops than proxies: only the connection is trusted
        (1, "not-an-address", "10.0.0.2"),
    ],
)
def test_the_client_address_trusts_only_configured_proxies(rf, settings, proxies, forwarded, expected):
    from accounts.client_ip import client_address

    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_migrate_creates_the_shared_cache_table(settings):
    from django.db import connection

    from accounts.apps import create_cache_tables

    settings.CACHES = {
        **settings.CACHES,
        "shared": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "shared_cache_test"},
    }
    create_cache_tables(using="default", verbosity=0)
    assert "shared_cache_test" in connection.introspection.table_names()
