"""What a partner editor can do in the admin with the groups sync gives them: edit their own
partner's pages and add credentials under it, upload images to its collection; nothing of
another partner's, and no publishing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from partners.models import PartnerCollection
from tests.builders import make_credential

from .conftest import is_refused

pytestmark = pytest.mark.django_db


def png_upload():
    return SimpleUploadedFile("logo.png", get_test_image_file().file.getvalue(), content_type="image/png")


def test_editor_opens_their_own_pages_and_not_another_partners(
    login, editor_a, partner_a, partner_b, framework
):
    own = make_credential(partner_a, competencies=framework[1][:1])
    other = make_credential(partner_b, competencies=framework[1][:1])
    client = login(editor_a)
    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    assert client.get(reverse("wagtailadmin_pages:edit", args=[partner_a.pk])).status_code == 200
    assert client.get(reverse("wagtailadmin_pages:edit", args=[own.pk])).status_code == 200
    add = reverse("wagtailadmin_pages:add", args=["catalog", "microcredentialpage", partner_a.pk])
    assert client.get(add).status_code == 200
    assert is_refused(client.get(reverse("wagtailadmin_pages:edit", args=[other.pk])))
    assert is_refused(client.get(reverse("wagtailadmin_pages:edit", args=[partner_b.pk])))
    add_b = reverse("wagtailadmin_pages:add", args=["catalog", "microcredentialpage", partner_b.pk])
    assert is_refused(client.get(add_b))
    # No delete, no unpublish: add and change only.
    assert is_refused(client.get(reverse("wagtailadmin_pages:delete", args=[own.pk])))
    assert is_refused(client.get(reverse("wagtailadmin_pages:unpublish", args=[own.pk])))


def test_editor_uploads_images_into_their_partner_collection_only(login, editor_a, partner_a, partner_b):
    """With permission on one collection, Wagtail's upload form has no collection field: every
    upload lands in the partner's collection, whatever collection the request names."""
    client = login(editor_a)
    own = PartnerCollection.objects.get(partner=partner_a).collection
    other = PartnerCollection.objects.get(partner=partner_b).collection
    response = client.post(
        reverse("wagtailimages:add"),
        {"title": "Our logo", "file": png_upload(), "collection": other.pk},
    )
    assert response.status_code == 302, response.context["form"].errors
    assert get_image_model().objects.get(title="Our logo").collection == own
    assert not get_image_model().objects.filter(collection=other).exists()
