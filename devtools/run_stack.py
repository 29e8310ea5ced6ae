"""`make run`'s development stack, and the small supervisor that starts and stops it.

The stack: the development server, the task worker, the re-dispatcher of lost issuer deliveries,
the scheduled-publishing loop, the reference badge issuer and localstripe.

Why a supervisor rather than a shell `trap 'kill 0'` in the Makefile: `kill 0` signalled make
itself as well, which then reported the recipe as killed ("make: *** [Makefile:49: run]
Segmentation fault") and could leave runserver's autoreloader child running. Here every child runs
in its own session (process group), so the terminal's Ctrl-C reaches only this supervisor; it
then sends SIGTERM to each child's whole group, waits for them (SIGKILL after a grace period),
prints one line and exits 0. If a child dies on its own (a port already taken, say), the others
are stopped too and the exit status is 1, naming the child and its log.

Usage: python -m devtools.run_stack --port 8000 --stripe-port 8420 --issuer-port 8430
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# How often the development stack publishes due scheduled pages (`manage.py publish_scheduled`)
# and re-dispatches stranded issuer deliveries, in seconds.
PUBLISH_EVERY = 15
REDISPATCH_EVERY = 15


@dataclass
class Child:
    """One process of the stack. `log` None: its output goes to the terminal."""

    name: str
    argv: list
    log: Path | None = None
    env: dict = field(default_factory=dict)
    process: subprocess.Popen | None = None

    def start(self):
        output = None
        if self.log is not None:
            self.log.parent.mkdir(parents=True, exist_ok=True)
            output = open(self.log, "ab")  # noqa: SIM115 (closed by the child's exit, see stop)
        self.process = subprocess.Popen(
            self.argv,
            cwd=ROOT,
            env={**os.environ, **self.env},
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
            # Its own process group: the terminal's Ctrl-C goes to the supervisor only, and a
            # signal to the group reaches the child's own children (runserver's autoreloader).
            start_new_session=True,
        )
        if output is not None:
            output.close()  # the child holds its own copy

    def signal_group(self, signum):
        try:
            os.killpg(self.process.pid, signum)
        except (ProcessLookupError, PermissionError):
            pass  # the whole group has exited already

    def group_alive(self):
        """Whether any process of the child's group still runs (its leader may be gone)."""
        if self.process.poll() is None:
            return True
        try:
            os.killpg(self.process.pid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True


def stop_all(children, grace_seconds):
    """SIGTERM every group, wait for all of them, SIGKILL whatever outlives the grace period."""
    started = [child for child in children if child.process is not None]
    for child in reversed(started):
        child.signal_group(signal.SIGTERM)
    deadline = time.monotonic() + grace_seconds
    while any(child.group_alive() for child in started) and time.monotonic() < deadline:
        time.sleep(0.05)
    for child in started:
        if child.group_alive():
            child.signal_group(signal.SIGKILL)
        child.process.wait()


def supervise(children, out=sys.stdout, grace_seconds=10, poll_seconds=0.2):
    """Start `children`, run until SIGINT/SIGTERM or until one of them exits, stop them all.

    Returns the exit status: 0 when stopped by a signal, 1 when a child ended on its own.
    """
    requested = []

    def request_stop(signum, frame):
        requested.append(signum)

    previous = {signum: signal.signal(signum, request_stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    failed = None
    try:
        for child in children:
            child.start()
        while not requested and failed is None:
            failed = next((child for child in children if child.process.poll() is not None), None)
            time.sleep(poll_seconds)
    finally:
        stop_all(children, grace_seconds)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    names = ", ".join(child.name for child in children)
    if failed is not None and not requested:
        where = f"; see {failed.log}" if failed.log else ""
        print(
            f"\n{failed.name} exited with status {failed.process.returncode}{where}. Stopped {names}.",
            file=out,
            flush=True,
        )
        return 1
    print(f"\nStopped {names}.", file=out, flush=True)
    return 0


def public_url(host, port):
    """The address a browser on this machine uses for the site (0.0.0.0 listens everywhere)."""
    if host in {"0.0.0.0", "::", ""}:
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def development_stack(host, port, stripe_port, issuer_port, log_dir):
    """The processes `make run` starts, in start order."""
    python = sys.executable
    log_dir = Path(log_dir)
    django_env = {
        "STRIPE_API_BASE": f"http://127.0.0.1:{stripe_port}",
        # Links in emails and issuer payloads, written by the worker with no request at hand.
        "WAGTAILADMIN_BASE_URL": os.environ.get("WAGTAILADMIN_BASE_URL") or public_url(host, port),
    }
    webhook_secret = os.environ.get("STRIPE_WEBHOOK_SECRET") or "whsec_localstripe_development"
    return [
        Child(
            "localstripe",
            [
                python,
                "-m",
                "devtools.localstripe_server",
                "--port",
                str(stripe_port),
                "--store",
                str(log_dir / "localstripe.pickle"),
                "--keep-store",
                "--webhook-url",
                f"http://127.0.0.1:{port}/checkout/stripe/webhook/",
                "--webhook-secret",
                webhook_secret,
            ],
            log=log_dir / "localstripe.log",
        ),  # fmt: skip
        Child(
            "worker",
            [python, "manage.py", "db_worker", "--queue-name", "*"],
            log=log_dir / "worker.log",
            env=django_env,
        ),
        Child(
            "dispatcher",
            [python, "manage.py", "dispatch_deliveries", "--every", str(REDISPATCH_EVERY)],
            log=log_dir / "dispatcher.log",
            env=django_env,
        ),
        Child(
            "publisher",
            [python, "manage.py", "repeat", "--every", str(PUBLISH_EVERY), "publish_scheduled"],
            log=log_dir / "publisher.log",
            env=django_env,
        ),
        Child(
            "issuer",
            [python, "-m", "devtools.issuer_receiver", "--port", str(issuer_port), "--verbose"],
            log=log_dir / "issuer.log",
        ),
        Child("server", [python, "manage.py", "runserver", f"{host}:{port}"], env=django_env),
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--stripe-port", type=int, default=8420)
    parser.add_argument("--issuer-port", type=int, default=8430)
    parser.add_argument("--log-dir", default="tmp", help="Where the background processes log (default tmp/).")
    options = parser.parse_args(argv)
    children = development_stack(
        options.host, options.port, options.stripe_port, options.issuer_port, options.log_dir
    )
    return supervise(children)


if __name__ == "__main__":
    sys.exit(main())
