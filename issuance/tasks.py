"""Background work: sending deliveries. The Delivery rows are the truth; a task is only a wake-up.

A task that never runs (its worker was killed, the enqueue failed) loses nothing: the row stays
due, and `manage.py dispatch_deliveries` queues it again (issuance/outbox.py).

Two tasks: `deliver_due` sends whatever is due, a batch at a time (the wake-up after completions,
replays, a resume, the re-dispatcher); `deliver` tries one delivery, and is what a retry is
queued as (with run_after, since django-tasks has no retries of its own).
"""

from django_tasks import task
from django_tasks.base import TaskResultStatus


@task()
def deliver(delivery_id):
    from .delivery import attempt_delivery

    attempt_delivery(delivery_id)


@task()
def deliver_due():
    from .delivery import deliver_due as send_due

    _attempted, more = send_due()
    if more:
        wake_deliverers()  # the time budget ran out with work left: a fresh task carries on


def _database_queue():
    """The database backend, if that is where tasks go (it can be asked what is waiting)."""
    from django_tasks_db.backend import DatabaseBackend

    backend = deliver_due.get_backend()
    return backend if isinstance(backend, DatabaseBackend) else None


def _waiting(task_path):
    """Tasks of this function waiting in the database queue (READY, whether due yet or not)."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=task_path)


def _waiting_to_start_now(task_path):
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready().filter(task_path=task_path)


def wake_deliverers(helper=False):
    """Make sure a worker will look for due deliveries: queue a deliver_due task unless one is
    already waiting to start (it will see everything committed before it starts, so a second
    one would only find the work taken). One that is running does not count: it may be past its
    last look. A `helper` (asked for by a running deliver_due that finds more due) is only worth
    it where another worker process can take it: on the database queue, not on a backend that
    runs tasks inline."""
    queue = _database_queue()
    if queue is None and helper:
        return
    if queue is not None and _waiting_to_start_now(deliver_due.module_path).exists():
        return
    deliver_due.enqueue()


def dispatch_deliveries(delivery_ids):
    """Wake a worker for these deliveries (due now; one not due yet, or taken, is left alone)."""
    if delivery_ids:
        wake_deliverers()


def queued_delivery_ids(delivery_ids):
    """Which of these deliveries a task already waiting in the database queue will send (all of
    them while a deliver_due task waits; otherwise those with their own deliver task), or None
    when the task backend is not the database one and cannot say.

    The re-dispatcher asks, so that a delivery waiting its turn behind a long queue is not
    queued again and again (a queue that grows with every pass never drains). A task left
    "running" by a killed worker does not count: nothing will ever finish it.
    """
    if _database_queue() is None:
        return None
    if _waiting_to_start_now(deliver_due.module_path).exists():
        return set(delivery_ids)
    waiting = _waiting(deliver.module_path).filter(args_kwargs__args__0__in=list(delivery_ids))
    return set(waiting.values_list("args_kwargs__args__0", flat=True))
