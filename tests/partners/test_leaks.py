"""Partner A's users never see partner B's unpublished content in the admin: the explorer, the
page chooser, admin search, the image and document choosers. (The issue lists more places;
docs/PARTNERS.md says which are closed.)"""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from partners.models import PartnerCollection
from tests.builders import make_credential

pytestmark = pytest.mark.django_db

B_SECRETS = ["Bravo Draft Welding", "Bravo Image Title", "Bravo Document Title", "bravotag"]


@pytest.fixture
def b_content(partner_b, framework):
    """B's unpublished credential, and an image and a document in B's collection."""
    make_credential(partner_b, competencies=framework[1][:1], title="Bravo Draft Welding", live=False)
    collection = PartnerCollection.objects.get(partner=partner_b).collection
    image = get_image_model().objects.create(
        title="Bravo Image Title", file=get_test_image_file(), collection=collection
    )
    image.tags.add("bravotag")
    document = get_document_model().objects.create(
        title="Bravo Document Title", file=ContentFile(b"hello", name="bravo.txt"), collection=collection
    )
    document.tags.add("bravotag")


@pytest.fixture
def a_content(partner_a, framework):
    make_credential(partner_a, competencies=framework[1][:1], title="Alpha Draft Analytics", live=False)


def shows_no_b_secrets(response):
    assert response.status_code == 200, response
    text = response.content.decode()
    leaked = [secret for secret in B_SECRETS if secret in text]
    assert leaked == [], leaked
    return True


ADMIN_PAGES = [
    ("wagtailadmin_home", {}),
    ("wagtailadmin_choose_page", {}),
    ("wagtailadmin_choose_page_search", {"q": "Bravo"}),
    ("wagtailadmin_pages:search", {"q": "Bravo"}),
    # Their tag filters (and the image chooser's tag links) offer only A's own tags (wagtail#7161).
    ("wagtailimages:index", {}),
    ("wagtailimages_chooser:choose", {}),
    ("wagtaildocs:index", {}),
    ("wagtaildocs_chooser:choose", {}),
    ("microcredentials:index", {}),
    ("microcredentials:index", {"q": "Bravo"}),
]


@pytest.mark.parametrize("url_name, query", ADMIN_PAGES)
def test_partner_a_editor_never_sees_partner_b_titles(login, editor_a, a_content, b_content, url_name, query):
    client = login(editor_a)
    assert shows_no_b_secrets(client.get(reverse(url_name), query))


def test_the_page_chooser_still_offers_a_own_drafts_and_b_public_pages(
    login, editor_a, partner_b, a_content, b_content
):
    client = login(editor_a)
    text = client.get(reverse("wagtailadmin_choose_page_search"), {"q": "Alpha"}).content.decode()
    assert "Alpha Draft Analytics" in text
    # Co-branding names other partners: their live, public pages stay choosable.
    text = client.get(
        reverse("wagtailadmin_choose_page_child", args=[partner_b.get_parent().pk])
    ).content.decode()
    assert "Colorado Community College System" in text


def test_the_explorer_starts_at_the_partner_page(login, editor_a, partner_a):
    client = login(editor_a)
    response = client.get(reverse("wagtailadmin_explore_root"))
    assert response.status_code == 302 and response.url == reverse(
        "wagtailadmin_explore", args=[partner_a.pk]
    )


def test_the_page_chooser_does_not_browse_into_b_drafts(login, editor_a, partner_a, partner_b, b_content):
    from catalog.models import MicrocredentialPage

    draft = MicrocredentialPage.objects.get(title="Bravo Draft Welding")
    client = login(editor_a)
    assert client.get(reverse("wagtailadmin_choose_page_child", args=[draft.pk])).status_code == 404
    assert client.get(reverse("wagtailadmin_choose_page_child", args=[partner_a.pk])).status_code == 200


def test_b_pages_in_the_explorer_send_a_back_to_its_own(login, editor_a, partner_a, partner_b, b_content):
    client = login(editor_a)
    response = client.get(reverse("wagtailadmin_explore", args=[partner_b.pk]))
    assert response.status_code == 302 and response.url == reverse(
        "wagtailadmin_explore", args=[partner_a.pk]
    )


def test_images_and_documents_of_b_are_not_listed(login, editor_a, b_content):
    client = login(editor_a)
    assert "Bravo Image Title" not in client.get(reverse("wagtailimages:index")).content.decode()
    assert "Bravo Document Title" not in client.get(reverse("wagtaildocs:index")).content.decode()
    assert "Bravo Image Title" not in client.get(reverse("wagtailimages_chooser:choose")).content.decode()


def test_staff_choosers_are_not_cut(login, staff, a_content, b_content):
    client = login(staff)
    text = client.get(reverse("wagtailadmin_choose_page_search"), {"q": "Draft"}).content.decode()
    assert "Bravo Draft Welding" in text and "Alpha Draft Analytics" in text
    # The same pages that partner A's editor does not see are there for staff: the checks above
    # look at pages that do show these titles.
    assert "Bravo Draft Welding" in client.get(reverse("microcredentials:index")).content.decode()
    assert (
        "Bravo Draft Welding"
        in client.get(reverse("wagtailadmin_pages:search"), {"q": "Bravo"}).content.decode()
    )
    assert "Bravo Image Title" in client.get(reverse("wagtailimages:index")).content.decode()
    assert "Bravo Document Title" in client.get(reverse("wagtaildocs:index")).content.decode()


def reports_menu_urls(client):
    """The report URLs in the admin sidebar (Wagtail renders the menu as JSON in every page)."""
    text = client.get(reverse("wagtailadmin_home")).content.decode()
    names = ["locked_pages", "workflow", "workflow_tasks", "site_history", "aging_pages", "page_types_usage"]
    return {name for name in names if f'"{reverse("wagtailadmin_reports:" + name)}"' in text}


def test_the_reports_menu_offers_partner_users_only_reports_filtered_for_them(login, editor_a, staff):
    # The page-types usage report names every partner's pages (partners/middleware.py refuses
    # it); the others list only pages the user may edit (the matrix checks what they show).
    # Locked pages needs unlock permission, which partner groups do not hold.
    assert reports_menu_urls(login(editor_a)) == {"workflow", "workflow_tasks", "site_history", "aging_pages"}
    assert "page_types_usage" in reports_menu_urls(login(staff))


def test_the_page_types_usage_report_is_refused_to_partner_users_and_its_results_too(login, editor_a, staff):
    from .conftest import is_refused

    client = login(editor_a)
    for name in ["page_types_usage", "page_types_usage_results"]:
        assert is_refused(client.get(reverse("wagtailadmin_reports:" + name)))
    # The listing refreshes its results by XMLHttpRequest: a plain 403 there.
    results = reverse("wagtailadmin_reports:page_types_usage_results")
    assert client.get(results, headers={"x-requested-with": "XMLHttpRequest"}).status_code == 403
    assert login(staff).get(reverse("wagtailadmin_reports:page_types_usage")).status_code == 200


def summary_counts(client):
    """The dashboard's summary ("3 Pages", "1 Image", "1 Document") as {"Pages": 3, ...}."""
    import re

    text = client.get(reverse("wagtailadmin_home")).content.decode()
    found = re.findall(r"(\d+) (Pages?|Images?|Documents?) <span", text)
    return {word.rstrip("s"): int(number) for number, word in found}


def test_the_dashboard_summary_counts_only_the_partners_own(
    login, editor_a, staff, partner_a, a_content, b_content
):
    # A's page and its draft; no image or document of A's. Staff count B's too.
    assert summary_counts(login(editor_a)) == {"Page": 2, "Image": 0, "Document": 0}
    staff_counts = summary_counts(login(staff))
    assert staff_counts["Image"] == 1 and staff_counts["Document"] == 1 and staff_counts["Page"] > 2


# Tags (wagtail#7161) ---------------------------------------------------------------------------


@pytest.fixture
def a_tagged_media(partner_a):
    """An image and a document in A's collection, tagged "alphatag"."""
    collection = PartnerCollection.objects.get(partner=partner_a).collection
    image = get_image_model().objects.create(
        title="Alpha Image", file=get_test_image_file(), collection=collection
    )
    image.tags.add("alphatag")
    document = get_document_model().objects.create(
        title="Alpha Document", file=ContentFile(b"hello", name="alpha.txt"), collection=collection
    )
    document.tags.add("alphatag")


@pytest.mark.parametrize(
    "url_name", ["wagtailimages:index", "wagtaildocs:index", "wagtailimages_chooser:choose"]
)
def test_partner_users_are_offered_their_own_tags_and_staff_everyone_s(
    login, editor_a, staff, a_tagged_media, b_content, url_name
):
    text = login(editor_a).get(reverse(url_name)).content.decode()
    assert "alphatag" in text and "bravotag" not in text
    text = login(staff).get(reverse(url_name)).content.decode()
    assert "alphatag" in text and "bravotag" in text


def test_a_listing_whose_media_have_no_tags_offers_no_tag_filter(login, editor_a, b_content):
    # Wagtail leaves the filter out when no tag is used; A's listing has none of its own.
    client = login(editor_a)
    response = client.get(reverse("wagtailimages:index"))
    assert response.status_code == 200 and "tag" not in response.context["filters"].filters


def test_filtering_by_an_own_tag_still_works(login, editor_a, partner_a, a_tagged_media, b_content):
    collection = PartnerCollection.objects.get(partner=partner_a).collection
    get_image_model().objects.create(
        title="Alpha Untagged", file=get_test_image_file(), collection=collection
    )
    client = login(editor_a)
    assert "Alpha Untagged" in client.get(reverse("wagtailimages:index")).content.decode()
    text = client.get(reverse("wagtailimages:index"), {"tag": "alphatag"}).content.decode()
    assert "Alpha Image" in text and "Alpha Untagged" not in text


def tag_completions(client, term, *model):
    url = (
        reverse("wagtailadmin_tag_model_autocomplete", args=model)
        if model
        else reverse("wagtailadmin_tag_autocomplete")
    )
    response = client.get(url, {"term": term})
    assert response.status_code == 200
    return response.json()


def test_the_tag_autocomplete_completes_only_the_partner_users_own_tags(
    login, editor_a, staff, a_tagged_media, b_content
):
    client = login(editor_a)
    assert tag_completions(client, "bra") == []
    assert tag_completions(client, "bra", "taggit", "tag") == []
    assert tag_completions(client, "alp") == ["alphatag"]
    assert tag_completions(client, "") == []
    client = login(staff)
    assert tag_completions(client, "bra") == ["bravotag"]
    assert tag_completions(client, "bra", "taggit", "tag") == ["bravotag"]


def test_the_tag_autocomplete_still_needs_admin_access(client, a_tagged_media):
    response = client.get(reverse("wagtailadmin_tag_autocomplete"), {"term": "alp"})
    assert response.status_code == 302 and "/admin/login/" in response.url


# Page chooser titles ---------------------------------------------------------------------------


def rename_in_draft(page, title):
    """An unpublished rename: Wagtail keeps the live `title` and shows `draft_title` in the admin."""
    page = page.specific
    page.title = title
    page.save_revision()
    page.refresh_from_db()
    assert page.draft_title == title and page.title != title
    return page


@pytest.fixture
def renamed_pages(partner_a, partner_b, framework):
    """B's live credential and B's partner page, each renamed in a draft; and A's own credential
    renamed in a draft, which A's users should see."""
    b_live = make_credential(partner_b, competencies=framework[1][:1], title="Bravo Live Welding")
    rename_in_draft(b_live, "Bravo Secret Rename")
    rename_in_draft(partner_b, "Bravo Secret Partner Rename")
    a_live = make_credential(partner_a, competencies=framework[1][:1], title="Alpha Live Analytics")
    rename_in_draft(a_live, "Alpha Draft Rename")
    return {"b_live": b_live, "a_live": a_live}


DRAFT_RENAMES = ["Bravo Secret Rename", "Bravo Secret Partner Rename"]


def chooser_text(client, url_name, query=None, args=()):
    response = client.get(reverse(url_name, args=args), query or {})
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_chooser_search_shows_other_partners_pages_with_their_published_titles(
    login, editor_a, renamed_pages
):
    client = login(editor_a)
    text = chooser_text(client, "wagtailadmin_choose_page_search", {"q": "Welding"})
    assert "Bravo Live Welding" in text  # B's live page, with the title the public sees
    assert not [rename for rename in DRAFT_RENAMES if rename in text]  # its parent is B's page too
    text = chooser_text(client, "wagtailadmin_choose_page_search", {"q": "Colorado"})
    assert "Colorado Community College System" in text and "Bravo Secret Partner Rename" not in text


def test_the_page_chooser_browse_shows_other_partners_pages_with_their_published_titles(
    login, editor_a, partner_b, renamed_pages
):
    client = login(editor_a)
    for args in ([partner_b.get_parent().pk], [partner_b.pk]):  # B in the catalog; B's own listing
        text = chooser_text(client, "wagtailadmin_choose_page_child", args=args)
        assert "Colorado Community College System" in text
        assert not [rename for rename in DRAFT_RENAMES if rename in text]
    assert "Bravo Live Welding" in text


def test_the_page_chooser_shows_partner_users_their_own_draft_titles(
    login, editor_a, partner_a, renamed_pages
):
    client = login(editor_a)
    assert "Alpha Draft Rename" in chooser_text(client, "wagtailadmin_choose_page_search", {"q": "Analytics"})
    assert "Alpha Draft Rename" in chooser_text(client, "wagtailadmin_choose_page_child", args=[partner_a.pk])


def test_staff_see_draft_titles_in_the_page_chooser(login, staff, partner_b, renamed_pages):
    client = login(staff)
    text = chooser_text(client, "wagtailadmin_choose_page_search", {"q": "Welding"})
    assert "Bravo Secret Rename" in text and "Bravo Secret Partner Rename" in text
    assert "Bravo Secret Rename" in chooser_text(
        client, "wagtailadmin_choose_page_child", args=[partner_b.pk]
    )


def test_choosing_several_pages_answers_only_visible_pages_with_their_published_titles(
    login, editor_a, staff, renamed_pages, b_content
):
    from catalog.models import MicrocredentialPage

    b_draft = MicrocredentialPage.objects.get(title="Bravo Draft Welding")
    ids = [renamed_pages["b_live"].pk, renamed_pages["a_live"].pk, b_draft.pk]
    url = reverse("wagtailadmin_choose_page_chosen_multiple")
    chosen = login(editor_a).get(url, {"id": ids}).json()["result"]
    assert sorted(item["adminTitle"] for item in chosen) == ["Alpha Draft Rename", "Bravo Live Welding"]
    chosen = login(staff).get(url, {"id": ids}).json()["result"]
    assert sorted(item["adminTitle"] for item in chosen) == [
        "Alpha Draft Rename",
        "Bravo Draft Welding",
        "Bravo Secret Rename",
    ]


def test_the_start_up_check_finds_every_cut_view_reached():
    from partners.checks import partner_admin_overrides_check

    assert partner_admin_overrides_check(None) == []


def test_an_edit_form_names_other_partners_chosen_pages_by_their_published_titles(
    login, editor_a, staff, partner_a, partner_b, framework, renamed_pages
):
    """A's credential names B as a co-brand and B's live credential as a prerequisite; the
    edit form's page chooser widgets show them as the public sees them (partners/admin_titles.py)."""
    named = make_credential(
        partner_a,
        competencies=framework[1][:1],
        cobrands=[partner_b],
        prerequisites=[renamed_pages["b_live"]],
        title="Alpha Capstone",
    )
    edit = reverse("wagtailadmin_pages:edit", args=[named.pk])
    text = login(editor_a).get(edit).content.decode()
    assert "Bravo Live Welding" in text and "Colorado Community College System" in text
    assert not [rename for rename in DRAFT_RENAMES if rename in text]
    own = login(editor_a).get(reverse("wagtailadmin_pages:edit", args=[renamed_pages["a_live"].pk]))
    assert "Alpha Draft Rename" in own.content.decode()  # their own draft titles stay theirs
    text = login(staff).get(edit).content.decode()
    assert "Bravo Secret Rename" in text and "Bravo Secret Partner Rename" in text
