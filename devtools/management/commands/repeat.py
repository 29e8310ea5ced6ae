"""Run another management command every N seconds: development's stand-in for a timer or cron.

`make run` keeps `manage.py repeat --every 15 publish_scheduled` running, so a page scheduled in
the admin goes live on a laptop as it does in production, where a systemd timer or cron runs
`manage.py publish_scheduled` (docs/OPERATIONS.md, Scheduled publishing).
"""

import signal
import time

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection


class Command(BaseCommand):
    help = (
        "Run a management command every SECONDS until stopped (Ctrl-C or SIGTERM ends it between "
        "two runs), e.g. `manage.py repeat --every 15 publish_scheduled`. Development only: "
        "production runs such commands from a systemd timer or cron (docs/OPERATIONS.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("command_name", metavar="COMMAND", help="The management command to run.")
        parser.add_argument(
            "--every",
            type=float,
            required=True,
            metavar="SECONDS",
            help="Seconds from one run's start to the next.",
        )
        parser.add_argument(
            "--passes", type=int, default=None, help="Stop after this many runs (default: run until stopped)."
        )

    def handle(self, *args, command_name, every, passes, **options):
        if not every > 0:
            raise CommandError("--every must be a number of seconds above 0.")
        if passes is not None and passes < 1:
            raise CommandError("--passes must be 1 or more.")
        if command_name not in get_commands() or command_name == "repeat":
            raise CommandError(f"Unknown command to repeat: {command_name!r}.")
        stopping = []
        previous = {
            signum: signal.signal(signum, lambda *_: stopping.append(True))
            for signum in (signal.SIGINT, signal.SIGTERM)
        }
        self.stdout.write(f"Running `manage.py {command_name}` every {every:g} s (Ctrl-C stops).")
        try:
            self.loop(command_name, every, passes, stopping)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def loop(self, command_name, every, passes, stopping):
        done = 0
        while not stopping and (passes is None or done < passes):
            if not connection.in_atomic_block:  # (a caller's transaction is not ours to end)
                close_old_connections()  # a long-running loop must not keep a dead connection
            started = time.monotonic()
            try:
                call_command(command_name, stdout=self.stdout, stderr=self.stderr)
            except Exception as error:  # one failed run must not end the loop: log it, go on
                self.stderr.write(f"{command_name} failed: {error!r}")
            done += 1
            deadline = started + every
            while not stopping and (passes is None or done < passes) and time.monotonic() < deadline:
                time.sleep(min(0.2, every))
