"""`seed_demo` builds a realistic catalog, and running it again changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from wagtail.images import get_image_model
from wagtail.models import Page, Revision

from catalog.models import (
    Competency,
    CompetencyFramework,
    MicrocredentialCompetency,
    MicrocredentialPage,
    PathwayPage,
)
from partners.models import PartnerPage

pytestmark = pytest.mark.django_db


def snapshot():
    tables = sorted(connection.introspection.table_names())
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            if table.startswith(("django_tasks", "django_session")):
                continue  # queued index updates are not content
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def test_seed_builds_the_demo_catalog_and_is_idempotent():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "created" in out.getvalue()

    assert PartnerPage.objects.live().count() >= 4
    assert set(PartnerPage.objects.values_list("kind", flat=True)) >= {
        "university",
        "college",
        "employer",
        "nonprofit",
    }
    assert MicrocredentialPage.objects.live().count() >= 12
    assert PathwayPage.objects.live().count() >= 2
    framework = CompetencyFramework.objects.get(title="Workforce Skills Framework")
    assert framework.competencies.count() > 20
    assert framework.show_on_skills_page  # employers browse the demo framework on /skills/
    asu = MicrocredentialPage.objects.get(short_code="ASU-BDA-110")
    assert (asu.price, asu.credit_conversion_fee) == (25, 400)
    assert asu.get_parent().title == "Arizona State University"
    uber = MicrocredentialPage.objects.get(short_code="PSU-LIB-UBER")
    assert len(uber.get_prerequisites()) == 3
    assert MicrocredentialPage.objects.filter(partner_links__partner__kind="employer").exists()
    assert all(page.badge_image_id for page in MicrocredentialPage.objects.all())
    assert MicrocredentialCompetency.objects.filter(competency__framework=framework).count() >= 12

    before = snapshot()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "nothing to do" in out.getvalue()
    assert snapshot() == before


def test_seed_scale_adds_generated_credentials_that_render(client):
    call_command("seed_demo", stdout=StringIO())
    live_before = MicrocredentialPage.objects.live().count()
    out = StringIO()
    call_command("seed_demo", "--scale", "60", stdout=out)
    assert "generated      60/60" in out.getvalue()
    assert MicrocredentialPage.objects.live().count() == live_before + 60
    # The tree stays consistent: treebeard's own check finds no problems.
    assert Page.find_problems() == ([], [], [], [], [])
    generated = MicrocredentialPage.objects.filter(short_code__startswith="GEN-").first()
    assert generated.competency_links.exists()
    assert client.get(generated.url).status_code == 200
    catalog_page = Page.objects.get(slug="catalog")
    assert client.get(catalog_page.url + "?page=3").status_code == 200
    # A second scale run continues numbering instead of colliding.
    call_command("seed_demo", "--scale", "5", stdout=StringIO())
    assert MicrocredentialPage.objects.filter(short_code__startswith="GEN-").count() == 65


def test_dev_admin_login_is_created_and_printed(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "admin@example.com / demo-admin-password" in out.getvalue()
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.get(email="admin@example.com").is_superuser
    assert "asu-editor@example.com / demo-partner-password" in out.getvalue()
    editor = get_user_model().objects.get(email="asu-editor@example.com")
    assert [group.name for group in editor.groups.all()] == ["Arizona State University editors"]
    assert not editor.is_staff and not editor.is_superuser


def test_every_demo_partner_has_its_groups_and_a_second_run_changes_nothing():
    from partners.access import sync_all_partners
    from partners.models import PartnerGroup

    call_command("seed_demo", stdout=StringIO())
    assert PartnerGroup.objects.count() == 2 * PartnerPage.objects.count() > 0
    assert all(changes == [] for changes in sync_all_partners().values())


def test_images_are_generated_not_downloaded():
    call_command("seed_demo", stdout=StringIO())
    Image = get_image_model()
    logo = Image.objects.get(title="Arizona State University logo")
    assert (logo.width, logo.height) == (480, 160)
    assert Revision.objects.count() > 0 and Competency.objects.exists()


def test_the_demo_is_searchable_when_seed_demo_ends_with_no_worker_running(settings, client):
    """As under `make run` on a new database: index updates queue in the database, no worker has
    run yet, and a search for a demo credential's exact title must find it at once."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    out = StringIO()
    call_command("seed_demo", learners=0, stdout=out)
    assert DBTaskResult.objects.exists()  # the updates did go to the queue (nothing ran them)

    title = MicrocredentialPage.objects.get(short_code="ASU-BDA-110").title
    response = client.get("/search/", {"q": title})
    assert response.status_code == 200
    results = [page.title for page in response.context["results"]]
    assert title in results
    assert "0 credentials" not in response.content.decode()
    assert "Search index: added" in out.getvalue()
