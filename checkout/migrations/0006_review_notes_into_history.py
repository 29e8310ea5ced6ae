"""Each order's review note becomes a row in its history before the field goes (0007), so no note is
lost. When a note was written is not known: the row is dated when this migration runs, by nobody
(the system), which is also who wrote every review note so far (payment and refund checks).
Going back, each order's latest flag note returns to review_note."""

from django.db import migrations
from django.utils import timezone


def notes_into_history(apps, schema_editor):
    Order = apps.get_model("checkout", "Order")
    OrderEvent = apps.get_model("checkout", "OrderEvent")
    now = timezone.now()
    OrderEvent.objects.bulk_create(
        OrderEvent(order_id=order_id, kind="flagged", note=note, created_at=now)
        for order_id, note in Order.objects.exclude(review_note="").values_list("pk", "review_note")
    )


def latest_note_back(apps, schema_editor):
    Order = apps.get_model("checkout", "Order")
    OrderEvent = apps.get_model("checkout", "OrderEvent")
    for event in OrderEvent.objects.filter(kind="flagged").order_by("created_at", "pk"):
        Order.objects.filter(pk=event.order_id).update(review_note=event.note)


class Migration(migrations.Migration):

    dependencies = [
        ('checkout', '0005_order_history'),
    ]

    operations = [
        migrations.RunPython(notes_into_history, latest_note_back),
    ]
