"""What the benchmark commands (devtools/management/commands/bench_*.py) share: a throwaway
database on one connection, milliseconds, nearest-rank percentiles, query capture, a machine
yardstick, and the Markdown table they print."""

import math
import statistics
import tempfile
import time
from contextlib import contextmanager
from typing import NamedTuple

from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext


@contextmanager
def one_connection():
    """Keep one database connection for the whole run, as Django's TestCase does (Django would
    otherwise close it around every request), so that query capture sees every request's queries
    and timings exclude reconnects."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@contextmanager
def throwaway_database(stdout, **settings):
    """A fresh test database on the configured engine, so the user's data is untouched.

    Keeps one connection for the whole run (`one_connection`). Yields a temporary MEDIA_ROOT.
    """
    old_name = connection.settings_dict["NAME"]
    test_settings = connection.settings_dict.setdefault("TEST", {})
    old_test_name = test_settings.get("NAME")
    if old_test_name and old_test_name == old_name:
        # Already inside a test database (pytest-xdist names them test_<db>_gw0): making "the
        # test database" again would drop the one in use, so take a name of our own.
        test_settings["NAME"] = f"{old_name}_bench"
    creation = connection.creation
    stdout.write(f"Creating a throwaway {connection.vendor} database…")
    creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        with (
            one_connection(),
            tempfile.TemporaryDirectory() as media,
            override_settings(
                MEDIA_ROOT=media,
                ALLOWED_HOSTS=["*"],
                TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
                **settings,
            ),
        ):
            yield media
    finally:
        creation.destroy_test_db(old_name, verbosity=0)
        test_settings["NAME"] = old_test_name


def elapsed_ms(started):
    """Milliseconds since `started`, a `time.perf_counter()` reading."""
    return (time.perf_counter() - started) * 1000


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of an already sorted list (p95: fraction=0.95)."""
    return sorted_values[max(0, math.ceil(len(sorted_values) * fraction) - 1)]


class Spread(NamedTuple):
    """A series of timings in ms, summed up."""

    p50: float
    p95: float
    min: float
    max: float


def spread(timings):
    """The median, nearest-rank p95, minimum and maximum of `timings` (in any order)."""
    ordered = sorted(timings)
    return Spread(statistics.median(ordered), percentile(ordered, 0.95), ordered[0], ordered[-1])


@contextmanager
def captured_queries():
    """Capture the queries of the default connection (`len()` of the result counts them).

    The query log is a bounded deque: it is emptied first, so the capture's length arithmetic
    holds. Read the count before the next request: Django empties the log when one starts.
    """
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        yield queries


def write_table(stdout, columns, rows, note=""):
    """Print a Markdown table: the header (followed by `note`, if any), then one line per row of
    already formatted cells."""
    stdout.write("| " + " | ".join(columns) + " |" + (f"  {note}" if note else ""))
    stdout.write("|" + "---|" * len(columns))
    for row in rows:
        stdout.write("| " + " | ".join(str(cell) for cell in row) + " |")


def machine_probe(size=100_000):
    """Milliseconds to sum `size` integers: a fixed workload, timed between measured requests
    (the spread shows how steady the machine was during a run) and by `machine_yardstick`."""
    started = time.perf_counter()
    sum(range(size))
    return elapsed_ms(started)


def machine_yardstick():
    """(Python ms, database round trip ms): how fast this machine is right now.

    Shared VMs drift (the same statement measured 30 and 50 ms minutes apart), so a benchmark's
    figures are only comparable with figures taken on an equally fast machine. Printed with
    them, a fixed pure-Python workload (the median of 5 runs of summing a million integers) and
    the median of 50 `SELECT 1` round trips say which kind of minute a run had.
    """
    python = [machine_probe(1_000_000) for _ in range(5)]
    round_trips = []
    with connection.cursor() as cursor:
        for _ in range(50):
            started = time.perf_counter()
            cursor.execute("SELECT 1")
            cursor.fetchone()
            round_trips.append(elapsed_ms(started))
    return statistics.median(python), statistics.median(round_trips)
