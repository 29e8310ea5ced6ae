import uuid

from django.db import migrations, models


def create_version_row(apps, schema_editor):
    apps.get_model("search", "CatalogVersion").objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="CatalogVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=32)),
            ],
            options={"verbose_name": "catalog version"},
        ),
        migrations.RunPython(create_version_row, migrations.RunPython.noop),
    ]
