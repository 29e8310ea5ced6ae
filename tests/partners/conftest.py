"""Partners A and B, each with its groups (made when the page is created), and people in each
role: staff who approve (Wagtail's Moderators, not superusers), partner managers and editors."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from partners.access import APPROVERS_GROUP_NAME, partner_group
from tests.builders import make_credential, make_partner


def make_user(email, **fields):
    return get_user_model().objects.create_user(
        email=email, password="a long demo passphrase", email_verified_at=timezone.now(), **fields
    )


def make_partner_user(partner, role, email):
    user = make_user(email)
    partner_group(partner, role).user_set.add(user)
    return user


def make_staff(email):
    """Marketing staff: in Wagtail's Moderators group (approve partners' changes) and allowed to
    invite any partner's users."""
    user = make_user(email)
    user.groups.add(Group.objects.get(name=APPROVERS_GROUP_NAME))
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="partners", codename="invite_any_partner_user")
    )
    return user


@pytest.fixture
def partner_a(catalog):
    return make_partner(catalog, title="Arizona State University")


@pytest.fixture
def partner_b(catalog):
    return make_partner(catalog, title="Colorado Community College System", kind="college")


@pytest.fixture
def credential_a(partner_a, framework):
    return make_credential(
        partner_a, competencies=framework[1][:1], title="Project Management Foundations", summary="Plan work."
    )


@pytest.fixture
def editor_a(partner_a):
    return make_partner_user(partner_a, "editor", "editor-a@asu.example.edu")


@pytest.fixture
def manager_a(partner_a):
    return make_partner_user(partner_a, "manager", "manager-a@asu.example.edu")


@pytest.fixture
def editor_b(partner_b):
    return make_partner_user(partner_b, "editor", "editor-b@cccs.example.edu")


@pytest.fixture
def staff(db):
    return make_staff("marketing@university.example.edu")


@pytest.fixture
def other_staff(db):
    return make_staff("marketing2@university.example.edu")


@pytest.fixture
def login(client):
    """Sign `user` into the test client (a fresh session each call)."""

    def sign_in(user):
        client.logout()
        client.force_login(user, backend="accounts.backends.EmailBackend")
        return client

    return sign_in


def is_refused(response):
    """Wagtail answers PermissionDenied in the admin with a redirect to the dashboard and its
    "you do not have permission" message, not a 403 page."""
    from django.urls import reverse

    messages = [str(message) for message in response.wsgi_request._messages]
    return (
        response.status_code == 302
        and response.url == reverse("wagtailadmin_home")
        and any("do not have permission" in message for message in messages)
    )
