"""A *Partner finance* group for the staff who keep revenue agreements and pay statements:
every partner's dashboard and statements, marking statements paid, and the agreements."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Partner finance"
PERMISSIONS = [
    ("partner_dashboard", "view_any_partner_dashboard"),
    ("partner_dashboard", "mark_statement_paid"),
    ("partner_dashboard", "add_revenueagreement"),
    ("partner_dashboard", "change_revenueagreement"),
    ("partner_dashboard", "delete_revenueagreement"),
    ("partner_dashboard", "view_revenueagreement"),
    ("wagtailadmin", "access_admin"),
]


def create_group(apps, schema_editor):
    # A new app's permissions are made after all migrations run; make them now to grant them
    # (Wagtail's own migration made "Can access Wagtail admin").
    app_config = apps.get_app_config("partner_dashboard")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    for app_label, codename in PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("partner_dashboard", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
