"""Counting failed logins in the cache (configure a shared cache such as Redis in production)."""

import hashlib
import time

from django.core.cache import cache

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


class LoginThrottle:
    def __init__(self, request, email):
        address = request.META.get("REMOTE_ADDR", "") if request is not None else ""
        email = (email or "").strip().lower()
        self.keys = [self._key("email", email), self._key("address", address)]

    @staticmethod
    def _key(kind, value):
        return "login-failures:" + kind + ":" + hashlib.sha256(value.encode()).hexdigest()

    def _failures(self, key):
        return [stamp for stamp in cache.get(key, []) if stamp > time.time() - WINDOW_SECONDS]

    def is_blocked(self):
        return any(len(self._failures(key)) >= MAX_FAILURES for key in self.keys)

    def minutes_left(self):
        oldest = min(
            (min(f) for f in (self._failures(k) for k in self.keys) if len(f) >= MAX_FAILURES),
            default=time.time(),
        )
        return max(1, int((oldest + WINDOW_SECONDS - time.time()) // 60) + 1)

    def record_failure(self):
        for key in self.keys:
            cache.set(key, [*self._failures(key), time.time()], WINDOW_SECONDS)

    def reset(self):
        cache.delete(self.keys[0])
