"""Background work: sending deliveries. The Delivery rows are the truth; a task is only a wake-up.

A task that never runs (its worker was killed, the enqueue failed) loses nothing: the row stays
due, and `manage.py dispatch_deliveries` queues it again (issuance/outbox.py).
"""

from django_tasks import task
from django_tasks.base import TaskResultStatus


@task()
def deliver(delivery_id):
    from .delivery import attempt_delivery

    attempt_delivery(delivery_id)


def dispatch_deliveries(delivery_ids):
    """Wake a worker for each delivery now (a delivery not due yet, or taken, is left alone)."""
    for delivery_id in delivery_ids:
        deliver.enqueue(delivery_id)


def queued_delivery_ids(delivery_ids):
    """Which of these deliveries already have a deliver task waiting in the database queue, or
    None when the task backend is not the database one and cannot say.

    The re-dispatcher asks, so that a delivery waiting its turn behind a long queue is not
    queued again and again (each extra task would only find the delivery taken, but a queue
    that grows with every pass never drains). A task left "running" by a killed worker does not
    count: nothing will ever finish it.
    """
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(deliver.get_backend(), DatabaseBackend):
        return None
    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY,
        task_path=deliver.module_path,
        args_kwargs__args__0__in=list(delivery_ids),
    )
    return set(waiting.values_list("args_kwargs__args__0", flat=True))
