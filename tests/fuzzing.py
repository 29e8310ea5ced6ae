"""How hard the hypothesis fuzzes try.

Each fuzz runs its own default number of examples, which keeps CI's run short; set
HYPOTHESIS_MAX_EXAMPLES to run every fuzz longer, as the hardening issue (#14) asks before a
release: no 5xx on any public URL at 400 examples.

    HYPOTHESIS_MAX_EXAMPLES=400 .venv/bin/pytest -n 2 tests/config/test_url_integers.py \
        tests/config/test_public_urls.py tests/search/test_catalog_search.py \
        -k "no_integer or no_query_string or no_public_address"
"""

import os

from hypothesis import HealthCheck, settings


def fuzz_settings(max_examples):
    """hypothesis settings for a fuzz of `max_examples` examples (HYPOTHESIS_MAX_EXAMPLES overrides).

    Requests through the test client are slow and vary, so there is no deadline, and the fuzzes use
    pytest's function-scoped fixtures (a catalog built once per test, shared by its examples, which
    only read it or are refused)."""
    return settings(
        max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES") or max_examples),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
