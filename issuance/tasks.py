"""Background work: sending deliveries. The Delivery rows are the truth; a task is only a wake-up."""

from django_tasks import task


@task()
def deliver(delivery_id):
    from .delivery import attempt_delivery

    attempt_delivery(delivery_id)


def dispatch_deliveries(delivery_ids):
    for delivery_id in delivery_ids:
        deliver.enqueue(delivery_id)
