"""The benchmark commands' shared parts, and bench_search end to end on a tiny catalog (its
figures are not checked: speed is measured by running it, see docs/PERFORMANCE.md)."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from devtools.benchmarking import machine_probe, machine_yardstick, percentile


def test_percentile_is_nearest_rank():
    values = list(range(1, 31))  # 30 timings
    assert percentile(values, 0.95) == 29  # ceil(28.5): the 29th, not the 28th
    assert percentile(values, 0.5) == 15
    assert percentile(list(range(1, 21)), 0.95) == 19
    assert percentile([7.0], 0.95) == 7.0


@pytest.mark.django_db
def test_machine_yardstick_measures_python_and_a_round_trip():
    python_ms, round_trip_ms = machine_yardstick()
    assert python_ms > 0 and round_trip_ms > 0


def test_machine_probe_times_a_fixed_workload():
    assert 0 < machine_probe() < 10_000


@pytest.mark.django_db(transaction=True)
def test_bench_search_seeds_a_catalog_and_reports_every_search():
    out = io.StringIO()
    call_command("bench_search", scale=20, repeat=2, stdout=out)
    report = out.getvalue()
    assert "machine yardstick at start / end" in report
    assert "machine probe before each timed request" in report
    assert "the searches taken in turn" in report
    rows = [line for line in report.splitlines() if line.startswith("| ") and "`/" in line]
    assert [row.split(" | ")[0].lstrip("| ") for row in rows] == [
        "plain text",
        "text + two facets",
        "facets only",
        "skills search, 5 competencies",
        "autocomplete",
    ]
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        results, queries = cells[2], cells[3]
        assert results.isdigit()
        cold, warm = queries.split(" / ")
        assert cold.isdigit() and warm.isdigit() and int(warm) <= int(cold)

    # The seeding ends with ANALYZE, or the first run's plans are made without statistics.
    assert "Gathering the query planner's statistics (ANALYZE)" in report
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'wagtailsearch_indexentry'")
        else:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'wagtailsearch_indexentry'")
        assert cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_bench_issuance_refuses_sqlite_with_a_clear_error():
    if connection.vendor == "postgresql":
        pytest.skip("the refusal is SQLite's")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("bench_issuance", deliveries=2, latency=1, intake=1, stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="bench_issuance measures PostgreSQL only")
def test_bench_issuance_delivers_through_real_workers_and_reports_every_figure():
    """A tiny run, end to end: the receiver and two db_workers are real child processes."""
    out = io.StringIO()
    call_command("bench_issuance", deliveries=12, latency=3, rate=50, intake=3, timeout=90, stdout=out)
    report = out.getvalue()
    assert "The receiver saw 18 webhook-ids, each once" in report
    rows = {line.split(" | ")[0].lstrip("| "): line for line in report.splitlines() if line.startswith("| ")}
    assert "/s**" in rows["deliveries per second, 2 workers"]
    latency = rows["completion committed → delivered (healthy receiver)"]
    intake = next(line for label, line in rows.items() if label.startswith("POST /api/v1/completions/"))
    for row in (latency, intake):
        cells = [cell.strip().strip("*") for cell in row.strip("|").split("|")]
        p50, p95 = float(cells[3]), float(cells[4])
        assert 0 < p50 <= p95
    assert "PostgreSQL 1" in report and "machine yardstick" in report


@pytest.mark.django_db(transaction=True)
def test_bench_partner_dashboard_refuses_sqlite_with_a_clear_error():
    if connection.vendor == "postgresql":
        pytest.skip("the refusal is SQLite's")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("bench_partner_dashboard", credentials=5, orders=10, requests=1, stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="bench_partner_dashboard measures PostgreSQL only"
)
def test_bench_partner_dashboard_seeds_the_volume_and_reports_every_page():
    """A tiny run, end to end, so the command cannot rot (its figures: docs/PERFORMANCE.md)."""
    out = io.StringIO()
    call_command("bench_partner_dashboard", credentials=5, orders=200, requests=2, warmups=1, stdout=out)
    report = out.getvalue()
    assert "50 learners, 200 paid orders" in report and "PostgreSQL 1" in report
    rows = [
        line for line in report.splitlines() if line.startswith("| ") and not line.startswith("| request")
    ]
    labels = [row.split(" | ")[0].lstrip("| ") for row in rows]
    assert [label.split(",")[0].split(" (")[0] for label in labels] == [
        "dashboard",
        "dashboard",
        "statements list",
        "statement",
        "statement CSV",
    ]
    for row in rows:
        cells = [cell.strip().strip("*") for cell in row.strip("|").split("|")]
        assert cells[1].isdigit()  # the same number of queries on every request
        p50, p95, slowest = float(cells[2]), float(cells[3]), float(cells[4])
        assert 0 < p50 <= p95 <= slowest
    assert "Target dashboard p95 ≤ 300 ms:" in report
