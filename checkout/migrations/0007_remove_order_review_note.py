# The notes were copied into each order's history by 0006.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('checkout', '0006_review_notes_into_history'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='order',
            name='review_note',
        ),
    ]
