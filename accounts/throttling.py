"""Slowing down password guessing and sign-up floods, with counts every web process shares.

Logins are counted two ways:

- Per account (the normalised email, `accounts.models.normalize_email_address`, whether or not
  an account has it, so the answers do not tell accounts from non-accounts). The first
  FREE_FAILURES failures cost nothing; after that each attempt must wait `delay_after(failures)`
  since the last failure: 15 seconds, doubling, at most MAX_DELAY_SECONDS. The owner is slowed,
  never locked out: once the delay has passed the right password works and clears the count.
  Attempts made during the delay are refused without the password being tried, so they neither
  count nor lengthen it; and one attempt at a time is let through past the free ones (a slot
  claimed with the cache's atomic `add`), so a burst of parallel guesses gets one try, not fifty.
- Per client address (`accounts.client_ip`): ADDRESS_FAILURES failures in ADDRESS_WINDOW across
  every account, generous because a campus proxy puts many learners behind one address; past
  it only that address waits.

Sign-ups are counted per client address and per address signed up with (SignupThrottle).

Counts live in the "shared" cache (settings.CACHES): local memory in development and tests (one
process), and in production the database or Redis, so every gunicorn worker and server counts
together (docs/OPERATIONS.md).

Why not a library: django-axes locks the account or address out for a cool-off once one
failure limit is reached (the owner included) and applies that one limit to every lockout
parameter, so an account and a campus proxy cannot have different allowances; django-ratelimit
counts requests per fixed window and has no growing per-account delay. With either, the rules
above would still be ours to write, around the library's model of the problem.
"""

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import caches

from .models import normalize_email_address

FREE_FAILURES = 5
FIRST_DELAY_SECONDS = 15
MAX_DELAY_SECONDS = 10 * 60
# Failures are forgotten a day after the last one (and at once after a successful login).
ACCOUNT_MEMORY_SECONDS = 24 * 60 * 60
ADDRESS_FAILURES = 50
ADDRESS_WINDOW = 15 * 60
# A slot reserved for an attempt in progress is freed by the attempt's outcome, or after this.
SLOT_SECONDS = 60

SIGNUPS_PER_ADDRESS = 10
SIGNUPS_PER_EMAIL = 3
SIGNUP_WINDOW = 60 * 60


def now():
    """The throttle's clock (tests move it)."""
    return time.time()


def shared_cache():
    return caches[getattr(settings, "THROTTLE_CACHE", "shared")]


def delay_after(failures):
    """Seconds an account must wait after its `failures`-th failure before the next attempt."""
    if failures < FREE_FAILURES:
        return 0
    return min(FIRST_DELAY_SECONDS * 2 ** (failures - FREE_FAILURES), MAX_DELAY_SECONDS)


def _key(kind, value):
    return f"throttle:{kind}:" + hashlib.sha256(value.encode()).hexdigest()


class SlidingWindow:
    """At most `limit` events per `window` seconds, for one key.

    Counted in fixed windows, with the previous window weighted by how much of it still overlaps
    the last `window` seconds: two cache entries per key, each bumped with the cache's `incr`
    (atomic on Redis and local memory; read-then-write on the database cache, where simultaneous
    events may be undercounted by a few).
    """

    def __init__(self, cache, key, limit, window):
        self.cache, self.key, self.limit, self.window = cache, key, limit, window

    def _counts(self):
        index, into = divmod(now(), self.window)
        index = int(index)
        current_key, previous_key = f"{self.key}:{index}", f"{self.key}:{index - 1}"
        counts = self.cache.get_many([current_key, previous_key])
        return counts.get(current_key, 0), counts.get(previous_key, 0), into / self.window

    def retry_after(self):
        """Seconds until one more event fits in the window; 0 when it fits now."""
        current, previous, elapsed = self._counts()
        if previous * (1 - elapsed) + current < self.limit:
            return 0
        if current >= self.limit:
            # Past this window's end the estimate is current * (1 - elapsed'), which drops below
            # the limit once elapsed' > 1 - limit / current.
            seconds = (1 - elapsed) * self.window + (1 - self.limit / current) * self.window
        else:
            seconds = (1 - (self.limit - current) / previous - elapsed) * self.window
        return max(1, math.ceil(seconds))

    def hit(self):
        key = f"{self.key}:{int(now() // self.window)}"
        timeout = 2 * self.window + 60
        self.cache.add(key, 0, timeout)
        try:
            self.cache.incr(key)
        except ValueError:  # expired between add and incr
            self.cache.set(key, 1, timeout)


class LoginThrottle:
    """One login attempt: `start()`, then `failed()` or `succeeded()` (module docstring)."""

    def __init__(self, email, address, cache=None):
        self.cache = cache or shared_cache()
        self.account_key = _key("login-account", normalize_email_address(email))
        self.address = SlidingWindow(
            self.cache, _key("login-address", address or ""), ADDRESS_FAILURES, ADDRESS_WINDOW
        )
        self.slot = None

    def _account(self):
        return self.cache.get(self.account_key) or {"failures": 0, "last": 0.0}

    def start(self):
        """Seconds to wait before this attempt may be made; 0 means go ahead.

        Going ahead past the free failures reserves the account's next attempt for this one, so
        that parallel guesses cannot all slip through once the delay has passed.
        """
        address_wait = self.address.retry_after()
        if address_wait:
            return address_wait
        account = self._account()
        wait = math.ceil(account["last"] + delay_after(account["failures"]) - now())
        if wait > 0:
            return wait
        if account["failures"] >= FREE_FAILURES:
            self.slot = f"{self.account_key}:slot:{account['failures']}"
            if not self.cache.add(self.slot, 1, SLOT_SECONDS):
                self.slot = None
                return 1  # another attempt on this account is being checked right now
        return 0

    def failed(self):
        account = self._account()
        self.cache.set(
            self.account_key,
            {"failures": account["failures"] + 1, "last": now()},
            ACCOUNT_MEMORY_SECONDS,
        )
        self.address.hit()

    def succeeded(self):
        self.cache.delete_many([self.account_key, *([self.slot] if self.slot else [])])


class SignupThrottle:
    """Sign-ups per client address (refused past the limit) and per address signed up with.

    Past the per-email limit the sign-up is answered as usual but no more email is sent, so the
    answer still tells nothing and nobody can flood one inbox from many addresses.
    """

    def __init__(self, email, address, cache=None):
        cache = cache or shared_cache()
        self.address = SlidingWindow(
            cache, _key("signup-address", address or ""), SIGNUPS_PER_ADDRESS, SIGNUP_WINDOW
        )
        self.email = SlidingWindow(
            cache, _key("signup-email", normalize_email_address(email)), SIGNUPS_PER_EMAIL, SIGNUP_WINDOW
        )

    def retry_after(self):
        return self.address.retry_after()

    def may_email(self):
        return self.email.retry_after() == 0

    def hit(self):
        self.address.hit()
        self.email.hit()
