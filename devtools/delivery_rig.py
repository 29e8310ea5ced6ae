"""Child processes for delivering issuer webhooks at volume on this machine: the reference
receiver (devtools/issuer_receiver.py), `manage.py db_worker`s and the re-dispatcher
(`manage.py dispatch_deliveries --every …`). Shared by tests/issuance/test_delivery_at_volume.py
and `manage.py bench_issuance`.

The children run the development settings against the database the caller names (a test or
throwaway database, which they can see because the caller commits), with the task queue in
that database and the ISSUANCE_* settings passed through the environment.
"""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from devtools.localstripe_process import free_port

ROOT = Path(__file__).resolve().parents[1]


def database_url(settings_dict):
    """A DATABASE_URL for the database Django is connected to (its test database in tests)."""
    engine = settings_dict["ENGINE"]
    if "postgresql" not in engine:
        return f"sqlite:///{settings_dict['NAME']}"
    user = quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password, safe='')}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"


def wait_for_port(port, process, seconds=20, what="process"):
    import socket

    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"The {what} did not start listening on port {port}.") from None
            time.sleep(0.05)


@contextmanager
def running_receiver(
    secret, log_dir, *, fail_rate=0.0, failures=None, hang_seconds=3.0, retry_after=1, seed=None
):
    """The reference receiver as a child process; yields its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "devtools.issuer_receiver", "--port", str(port), "--secret", secret]
    command += ["--fail-rate", str(fail_rate), "--hang-seconds", str(hang_seconds)]
    command += ["--retry-after", str(retry_after)]
    if failures:
        command += ["--failures", ",".join(failures)]
    if seed is not None:
        command += ["--seed", str(seed)]
    with open(Path(log_dir) / "receiver.log", "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, process, what="reference receiver")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


def received(base_url):
    """What the receiver recorded (its /received.json)."""
    with urllib.request.urlopen(f"{base_url}/received.json", timeout=10) as response:  # noqa: S310 (loopback)
        return json.load(response)


def stop(process, seconds=10):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Rig:
    """Start, SIGKILL and stop workers and the re-dispatcher against one database."""

    def __init__(self, database_url, log_dir, **issuance_settings):
        self.log_dir = Path(log_dir)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DATABASE_URL": database_url,
            "DEBUG": "0",  # no query log kept in memory, no autoreloader
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "PYTHONUNBUFFERED": "1",
        }
        for name, value in issuance_settings.items():
            if isinstance(value, list | tuple):
                value = ",".join(str(v) for v in value)
            self.env[f"ISSUANCE_{name.upper()}"] = str(value)
        self.processes = {}

    def start(self, name, *arguments):
        with open(self.log_dir / f"{name}.log", "ab") as log:
            process = subprocess.Popen(
                [sys.executable, "manage.py", *arguments],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.processes[name] = process
        return process

    def start_worker(self, name, worker_id=None):
        """A db_worker polling every 0.1 s; its --worker-id is `worker_id` (default: name)."""
        return self.start(
            name,
            "db_worker",
            "--queue-name",
            "*",
            "--interval",
            "0.1",
            "--no-startup-delay",
            "--no-reload",
            "--worker-id",
            worker_id or name,
            "--verbosity",
            "0",
        )

    def start_redispatcher(self, every=1.0):
        return self.start("redispatcher", "dispatch_deliveries", "--every", str(every))

    def kill(self, name):
        """SIGKILL: no clean-up at all, as the kernel's OOM killer or a lost machine would."""
        process = self.processes.pop(name)
        process.send_signal(signal.SIGKILL)
        process.wait()

    def stop_all(self):
        for process in self.processes.values():
            stop(process)
        self.processes.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop_all()
