from django.db import migrations, models


def show_frameworks_in_use(apps, schema_editor):
    """Frameworks that credentials already certify stay on the skills page; the others (imported
    for reference, never linked) leave it until staff choose to show them."""
    CompetencyFramework = apps.get_model("catalog", "CompetencyFramework")
    CompetencyFramework.objects.filter(competencies__credential_links__isnull=False).update(
        show_on_skills_page=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_provider"),
    ]

    operations = [
        migrations.AddField(
            model_name="competencyframework",
            name="show_on_skills_page",
            field=models.BooleanField(
                default=False,
                help_text="List this framework on the public “Find credentials by skill” page. Only its "
                "competencies that live, public credentials certify are listed.",
                verbose_name="show on the skills page",
            ),
        ),
        migrations.RunPython(show_frameworks_in_use, migrations.RunPython.noop),
    ]
