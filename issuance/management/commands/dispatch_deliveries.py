"""The outbox's safety net: queue again the deliveries whose task was lost."""

import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from issuance.outbox import redispatch_stranded


class Command(BaseCommand):
    help = (
        "Queue again every issuer delivery that is overdue with no worker on it (its task was lost "
        "with a killed worker, or never enqueued), and deliveries whose sending worker's lease "
        "ran out. One pass, or with --every SECONDS a pass every SECONDS until stopped. Run it "
        "beside `manage.py db_worker` (docs/OPERATIONS.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=float,
            default=None,
            metavar="SECONDS",
            help="Keep running, one pass every SECONDS (e.g. 30). Without it: one pass, then exit.",
        )

    def handle(self, *args, every, verbosity, **options):
        if every is not None and not every > 0:
            raise CommandError("--every must be a number of seconds above 0.")
        if every is None:
            self.one_pass(verbosity)
            return
        stopping = []
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stopping.append(True))
        self.stdout.write(f"Re-dispatching overdue issuer deliveries every {every:g} s (Ctrl-C stops).")
        while not stopping:
            close_old_connections()  # a long-running loop must not keep a dead connection
            self.one_pass(verbosity)
            deadline = time.monotonic() + every
            while not stopping and time.monotonic() < deadline:
                time.sleep(min(0.2, every))

    def one_pass(self, verbosity):
        ids = redispatch_stranded()
        if ids or verbosity > 1:
            self.stdout.write(f"Queued {len(ids)} overdue delivery(ies) again.", ending="\n")
