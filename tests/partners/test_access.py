"""A new partner gets exactly its Wagtail groups, permissions, collection and workflow; `partners
sync` puts them back when they drift, says what it fixed, and changes nothing the second time."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from wagtail.models import GroupCollectionPermission, GroupPagePermission

from partners.access import ensure_partner_access, partner_group
from partners.models import PartnerCollection, PartnerGroup
from tests.builders import make_partner, publish

from .conftest import make_partner_user

pytestmark = pytest.mark.django_db

IMAGE_AND_DOCUMENT_PERMISSIONS = {
    "add_image",
    "change_image",
    "choose_image",
    "add_document",
    "change_document",
    "choose_document",
}


def sync():
    out = StringIO()
    call_command("partners", "sync", stdout=out)
    return out.getvalue()


def held(group):
    return {
        "global": set(group.permissions.values_list("codename", flat=True)),
        "pages": set(
            GroupPagePermission.objects.filter(group=group).values_list("page_id", "permission__codename")
        ),
        "collections": set(
            GroupCollectionPermission.objects.filter(group=group).values_list(
                "collection_id", "permission__codename"
            )
        ),
    }


def expected(partner):
    collection = PartnerCollection.objects.get(partner=partner).collection
    return {
        "global": {"access_admin"},
        "pages": {(partner.pk, "add_page"), (partner.pk, "change_page")},
        "collections": {(collection.pk, codename) for codename in IMAGE_AND_DOCUMENT_PERMISSIONS},
    }


def test_a_new_partner_gets_two_groups_with_exactly_its_permissions(partner_a):
    links = PartnerGroup.objects.filter(partner=partner_a).select_related("group")
    assert {link.role: link.group.name for link in links} == {
        "editor": "Arizona State University editors",
        "manager": "Arizona State University managers",
    }
    for link in links:
        assert held(link.group) == expected(partner_a)
    collection = PartnerCollection.objects.get(partner=partner_a).collection
    assert collection.name == "Arizona State University" and collection.get_parent().is_root()
    assert partner_a.get_workflow().name == "Arizona State University approval"


def test_sync_is_safe_to_run_again(partner_a, partner_b):
    before = {group.pk: held(group) for group in Group.objects.filter(partner_role__isnull=False)}
    output = sync()
    assert output.splitlines() == [
        "Arizona State University: already right",
        "Colorado Community College System: already right",
    ]
    assert {group.pk: held(group) for group in Group.objects.filter(partner_role__isnull=False)} == before


def test_sync_puts_back_what_drifted_and_says_so(partner_a, partner_b):
    editors = partner_group(partner_a, "editor")
    editors.permissions.clear()
    GroupPagePermission.objects.filter(group=editors, permission__codename="change_page").delete()
    publish_page = Permission.objects.get(content_type__app_label="wagtailcore", codename="publish_page")
    GroupPagePermission.objects.create(group=editors, page=partner_a, permission=publish_page)
    GroupPagePermission.objects.create(
        group=editors, page=partner_b, permission=Permission.objects.get(codename="change_page")
    )

    output = sync()

    assert "Arizona State University: 4 change(s)" in output
    assert "gave group 'Arizona State University editors' wagtailadmin.access_admin" in output
    assert "page permission change_page on 'Arizona State University'" in output
    assert "took page permission publish_page on 'Arizona State University'" in output
    assert "took page permission change_page on 'Colorado Community College System'" in output
    assert held(editors) == expected(partner_a)
    assert "Arizona State University: already right" in sync()


def test_sync_gives_partners_made_before_it_their_access(partner_a):
    Group.objects.filter(partner_role__partner=partner_a).delete()
    output = sync()
    assert "created group 'Arizona State University editors'" in output
    assert held(partner_group(partner_a, "manager")) == expected(partner_a)


def test_renaming_a_partner_keeps_its_groups_and_people(partner_a):
    editor = make_partner_user(partner_a, "editor", "editor@asu.example.edu")
    group_pk = partner_group(partner_a, "editor").pk
    partner_a.title = "ASU Learning Enterprise"
    publish(partner_a)
    group = partner_group(partner_a, "editor")
    assert group.pk == group_pk and group.name == "ASU Learning Enterprise editors"
    assert list(group.user_set.all()) == [editor]
    assert PartnerCollection.objects.get(partner=partner_a).collection.name == "ASU Learning Enterprise"
    assert partner_a.get_workflow().name == "ASU Learning Enterprise approval"


def test_two_partners_with_one_name_get_distinct_groups(catalog):
    first = make_partner(catalog, title="Summit College", slug="summit-college")
    second = make_partner(catalog, title="Summit College", slug="summit-college-2")
    assert partner_group(first, "editor").name == "Summit College editors"
    assert partner_group(second, "editor").name == "Summit College (summit-college-2) editors"
    assert ensure_partner_access(first) == [] and ensure_partner_access(second) == []


def test_a_deleted_partner_takes_its_groups_with_it(partner_a):
    group_pks = list(Group.objects.filter(partner_role__partner=partner_a).values_list("pk", flat=True))
    partner_a.delete()
    assert not Group.objects.filter(pk__in=group_pks).exists()


def test_staff_can_grant_the_partner_staff_permission_in_the_admin(client, partner_a):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    admin = get_user_model().objects.create_superuser(email="root@example.edu", password="x")
    client.force_login(admin, backend="accounts.backends.EmailBackend")
    moderators = Group.objects.get(name="Moderators")
    page = client.get(reverse("wagtailusers_groups:edit", args=[moderators.pk]))
    assert "Can invite and deactivate users of any partner" in page.content.decode()
