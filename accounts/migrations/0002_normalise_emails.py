import unicodedata

from django.db import migrations


def normalize_email_address(value):
    # A copy of accounts.models.normalize_email_address as it was when this migration was written.
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    return unicodedata.normalize("NFKC", text.casefold())


def normalise_emails(apps, schema_editor):
    """Addresses were stored lower-cased; logins now look them up NFKC-casefolded. Rewrite the
    few that differ (non-ASCII ones), unless another account already has the new spelling."""
    User = apps.get_model("accounts", "User")
    for user in User.objects.only("pk", "email"):
        normalised = normalize_email_address(user.email)
        if normalised != user.email and not User.objects.filter(email=normalised).exists():
            User.objects.filter(pk=user.pk).update(email=normalised)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(normalise_emails, migrations.RunPython.noop),
    ]
