"""`manage.py repeat --every N publish_scheduled`: what `make run` keeps running so that scheduled
pages go live on a laptop, as the production timer does (docs/OPERATIONS.md)."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.builders import make_credential

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def schedule(page, go_live_at):
    """What the admin's "Publish" with a go-live date does: a revision approved for later."""
    page.title = "Scheduled edition"
    revision = page.save_revision(approved_go_live_at=go_live_at)
    return revision


def test_repeat_publishes_a_page_once_its_time_has_come(partner):
    page = make_credential(partner, live=False, title="Draft")
    schedule(page, timezone.now() + timedelta(seconds=1))
    out = StringIO()

    # Three runs 0.6 s apart: the first is too early, a later one publishes.
    call_command("repeat", "publish_scheduled", every=0.6, passes=3, stdout=out)

    page.refresh_from_db()
    assert page.live and page.title == "Scheduled edition"
    assert "Running `manage.py publish_scheduled` every 0.6 s" in out.getvalue()


def test_repeat_refuses_bad_arguments(db):
    with pytest.raises(CommandError, match="above 0"):
        call_command("repeat", "publish_scheduled", every=0)
    with pytest.raises(CommandError, match="Unknown command"):
        call_command("repeat", "no_such_command", every=1)
    with pytest.raises(CommandError, match="Unknown command"):
        call_command("repeat", "repeat", every=1)


def test_repeat_stops_on_sigterm_between_runs_quietly():
    process = subprocess.Popen(
        [sys.executable, "manage.py", "repeat", "--every", "0.2", "check"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    lines = []
    while len(lines) < 3 and time.monotonic() < deadline:  # the banner and two runs of `check`
        lines.append(process.stdout.readline())
    process.send_signal(signal.SIGTERM)
    output = "".join(lines) + process.communicate(timeout=30)[0]
    assert process.returncode == 0, output
    assert output.count("System check identified no issues") >= 2
    assert "Traceback" not in output
