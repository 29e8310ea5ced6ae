"""`make run`'s supervisor (devtools/run_stack.py): Ctrl-C stops every process, quietly, exit 0.

The supervisor runs in a subprocess in its own session, as under a terminal, and gets SIGINT
sent to its whole process group, which is what the terminal does on Ctrl-C.
"""

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from devtools.localstripe_process import free_port
from devtools.run_stack import development_stack

ROOT = Path(__file__).resolve().parents[2]


def is_running(pid):
    """Whether `pid` is a live process (a zombie waiting for its parent counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in {"Z", "X"}


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def start_supervisor(script, env=None):
    return subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def press_ctrl_c(process):
    os.killpg(process.pid, signal.SIGINT)
    output, _ = process.communicate(timeout=60)
    return output


def harmless_stack_script(pid_dir, grace_seconds=10):
    """A supervisor over three stand-ins: a plain sleeper, one that forks a grandchild (as
    runserver's autoreloader does) and one that ignores SIGTERM (needs the SIGKILL)."""
    return textwrap.dedent(
        f"""
        import sys
        from devtools.run_stack import Child, supervise

        def child(name, body):
            code = "import os, pathlib, signal, subprocess, sys, time\\n"
            code += f"pathlib.Path({str(pid_dir)!r}, {{name!r}}).write_text(str(os.getpid()))\\n"
            code += body
            return Child(name, [sys.executable, "-c", code])

        children = [
            child("sleeper", "time.sleep(120)"),
            child(
                "parent",
                "grandchild = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\\n"
                f"pathlib.Path({str(pid_dir)!r}, 'grandchild').write_text(str(grandchild.pid))\\n"
                "time.sleep(120)",
            ),
            child("stubborn", "signal.signal(signal.SIGTERM, signal.SIG_IGN)\\ntime.sleep(120)"),
        ]
        sys.exit(supervise(children, grace_seconds={grace_seconds}))
        """
    )


def test_ctrl_c_stops_every_child_and_grandchild_and_exits_0_quietly(tmp_path):
    names = ["sleeper", "parent", "grandchild", "stubborn"]
    supervisor = start_supervisor(harmless_stack_script(tmp_path, grace_seconds=2))
    wait_for(lambda: all((tmp_path / name).exists() for name in names), 30, "the children to start")
    time.sleep(0.3)  # let "stubborn" install its SIGTERM handler after writing its pid
    pids = {name: int((tmp_path / name).read_text()) for name in names}
    assert all(is_running(pid) for pid in pids.values())

    output = press_ctrl_c(supervisor)

    assert supervisor.returncode == 0, output
    assert output.strip() == "Stopped sleeper, parent, stubborn."
    assert "Traceback" not in output and "Segmentation fault" not in output
    wait_for(lambda: not any(is_running(pid) for pid in pids.values()), 5, "every process to end")


def test_a_child_that_dies_stops_the_others_and_fails(tmp_path):
    script = textwrap.dedent(
        f"""
        import sys
        from devtools.run_stack import Child, supervise
        from pathlib import Path

        log = Path({str(tmp_path)!r}) / "broken.log"
        sleeper = Child("sleeper", [sys.executable, "-c", "import time; time.sleep(120)"])
        broken = Child("broken", [sys.executable, "-c", "raise SystemExit('port taken')"], log=log)
        code = supervise([sleeper, broken])
        print("sleeper ended:", sleeper.process.poll() is not None)
        sys.exit(code)
        """
    )
    supervisor = start_supervisor(script)
    output, _ = supervisor.communicate(timeout=60)
    assert supervisor.returncode == 1, output
    assert f"broken exited with status 1; see {tmp_path / 'broken.log'}. Stopped sleeper, broken." in output
    assert "sleeper ended: True" in output
    assert (tmp_path / "broken.log").read_text().strip() == "port taken"


def test_the_development_stack_runs_scheduled_publishing_and_follows_the_ports(tmp_path, monkeypatch):
    monkeypatch.delenv("WAGTAILADMIN_BASE_URL", raising=False)
    children = {child.name: child for child in development_stack("0.0.0.0", 8010, 8011, 8012, tmp_path)}
    assert list(children) == ["localstripe", "worker", "dispatcher", "publisher", "issuer", "server"]
    assert children["publisher"].argv[1:] == ["manage.py", "repeat", "--every", "15", "publish_scheduled"]
    assert children["server"].argv[-1] == "0.0.0.0:8010"
    assert "--port 8011" in " ".join(children["localstripe"].argv)
    assert "http://127.0.0.1:8010/checkout/stripe/webhook/" in children["localstripe"].argv
    assert "--port 8012" in " ".join(children["issuer"].argv)
    for name in ("worker", "dispatcher", "publisher", "server"):
        assert children[name].env["STRIPE_API_BASE"] == "http://127.0.0.1:8011"
        assert children[name].env["WAGTAILADMIN_BASE_URL"] == "http://127.0.0.1:8010"


def database_url():
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{database['NAME']}"
    host, port = database["HOST"] or "127.0.0.1", database["PORT"] or 5432
    return f"postgres://{database['USER']}@{host}:{port}/{database['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_the_real_stack_starts_and_ctrl_c_stops_it_quietly(tmp_path):
    """Every process of `make run`, on free ports against the test database."""
    port, stripe_port, issuer_port = free_port(), free_port(), free_port()
    supervisor = subprocess.Popen(
        [
            sys.executable, "-m", "devtools.run_stack", "--port", str(port),
            "--stripe-port", str(stripe_port), "--issuer-port", str(issuer_port), "--log-dir", str(tmp_path),
        ],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DATABASE_URL": database_url(),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )  # fmt: skip

    def answers(port, path="/"):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2)
        except urllib.error.HTTPError:
            return True  # an empty database has no home page: a 404 is an answer
        except OSError:
            return False
        return True

    try:
        wait_for(lambda: answers(port, "/robots.txt") and answers(issuer_port), 90, "the stack to answer")
        socket.create_connection(("127.0.0.1", stripe_port), timeout=2).close()
        assert supervisor.poll() is None
    finally:
        output = press_ctrl_c(supervisor)

    assert supervisor.returncode == 0, output
    assert output.rstrip().endswith("Stopped localstripe, worker, dispatcher, publisher, issuer, server.")
    assert "Traceback" not in output and "Segmentation fault" not in output
    assert "Running `manage.py publish_scheduled` every 15 s" in (tmp_path / "publisher.log").read_text()
    assert not answers(port) and not answers(issuer_port)
