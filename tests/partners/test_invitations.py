"""Invitations: staff invite anyone to any partner, a partner's managers invite only their own
editors, editors invite nobody (checked on the server, whatever the form sends); the one-time
link makes the account, puts it in the right group and signs it in; a used, expired or unknown
link changes nothing."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from partners.access import partner_group
from partners.invitations import InvitationRefused, create_invitation
from partners.models import Invitation, hash_invitation_token

from .conftest import is_refused, make_partner_user, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "tangerine orbit violin 42"


def link_in(message):
    return re.search(r"http://\S+/partners/invitations/\S+/", message.body).group(0)


def path_of(link):
    return link.removeprefix("http://testserver").removeprefix("http://127.0.0.1:8000")


def accept_form(**overrides):
    return {
        "first_name": "Ana",
        "last_name": "Ruiz",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }


def users():
    return get_user_model().objects.count()


# --- the command ---


def test_command_prints_the_link_emails_it_and_stores_only_its_hash(partner_a):
    out = StringIO()
    call_command(
        "partners", "invite", "Ana@Example.org", "--partner", partner_a.slug, "--role", "editor", stdout=out
    )
    link = out.getvalue().splitlines()[-1]
    token = link.rstrip("/").rsplit("/", 1)[-1]
    invitation = Invitation.objects.get()
    assert invitation.email == "ana@example.org" and invitation.role == "editor"
    assert invitation.token_hash == hash_invitation_token(token) and token not in invitation.token_hash
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    assert [m.to for m in mail.outbox] == [["ana@example.org"]] and link in mail.outbox[0].body


def test_command_refuses_unknown_partners_and_bad_addresses(partner_a):
    with pytest.raises(CommandError, match="No partner with the slug 'nowhere'"):
        call_command("partners", "invite", "ana@example.org", "--partner", "nowhere", "--role", "editor")
    with pytest.raises(CommandError, match="not an email address"):
        call_command("partners", "invite", "ana-at-example", "--partner", partner_a.slug, "--role", "editor")
    assert not Invitation.objects.exists() and not mail.outbox


# --- accepting ---


def test_accepting_makes_the_account_in_the_right_group_and_signs_in(client, partner_a):
    _, link = create_invitation("ana@example.org", partner_a, "manager", site_url="http://testserver")
    assert b"Join Arizona State University" in client.get(path_of(link)).content
    response = client.post(path_of(link), accept_form())
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    ana = get_user_model().objects.get(email="ana@example.org")
    assert ana.get_full_name() == "Ana Ruiz" and ana.check_password(PASSWORD) and ana.email_verified
    assert list(ana.groups.all()) == [partner_group(partner_a, "manager")]
    assert client.get(reverse("wagtailadmin_home")).status_code == 200  # signed in, with admin access
    invitation = Invitation.objects.get()
    assert invitation.accepted_at is not None and invitation.accepted_by == ana


def test_a_used_link_changes_nothing(client, partner_a):
    _, link = create_invitation("ana@example.org", partner_a, "editor", site_url="http://testserver")
    client.post(path_of(link), accept_form())
    client.logout()
    before = users()
    response = client.post(
        path_of(link), accept_form(password1="other pass phrase 9", password2="other pass phrase 9")
    )
    assert response.status_code == 410 and b"already been used" in response.content
    assert users() == before
    assert get_user_model().objects.get(email="ana@example.org").check_password(PASSWORD)


def test_an_expired_or_unknown_link_changes_nothing(client, partner_a):
    invitation, link = create_invitation("ana@example.org", partner_a, "editor", site_url="http://testserver")
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    before = users()
    response = client.post(path_of(link), accept_form())
    assert response.status_code == 410 and b"has expired" in response.content
    response = client.post("/partners/invitations/not-a-real-token/", accept_form())
    assert response.status_code == 410 and b"not valid" in response.content
    assert users() == before and Invitation.objects.get().accepted_at is None


def test_a_new_invitation_replaces_the_old_link(client, partner_a):
    _, old = create_invitation("ana@example.org", partner_a, "editor", site_url="http://testserver")
    _, new = create_invitation("ana@example.org", partner_a, "editor", site_url="http://testserver")
    assert client.get(path_of(old)).status_code == 410
    assert client.get(path_of(new)).status_code == 200


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"password1": "short", "password2": "short"}, "password1", "too short"),
        ({"password1": "password123", "password2": "password123"}, "password1", "too common"),
        ({"password1": "ana.ruiz.example", "password2": "ana.ruiz.example"}, "password1", "too similar"),
        ({"password2": "something else entirely"}, "password2", "not the same"),
        ({"first_name": ""}, "first_name", "required"),
    ],
)
def test_a_bad_password_or_name_is_explained_and_nothing_written(
    client, partner_a, overrides, field, message
):
    _, link = create_invitation("ana.ruiz@example.org", partner_a, "editor", site_url="http://testserver")
    before = users()
    response = client.post(path_of(link), accept_form(**overrides))
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])
    assert users() == before and Invitation.objects.get().accepted_at is None


def test_an_existing_account_logs_in_first_then_accepts(client, partner_a):
    learner = make_user("learner@example.org")
    _, link = create_invitation("learner@example.org", partner_a, "editor", site_url="http://testserver")
    page = client.get(path_of(link))
    assert b"already has an account" in page.content and reverse("accounts:login").encode() in page.content
    assert client.post(path_of(link), accept_form()).status_code == 403  # not signed in: no new password
    assert learner.groups.count() == 0 and Invitation.objects.get().accepted_at is None

    client.force_login(learner, backend="accounts.backends.EmailBackend")
    assert client.post(path_of(link)).status_code == 302
    assert list(learner.groups.all()) == [partner_group(partner_a, "editor")]


def test_someone_signed_in_as_another_account_cannot_accept(client, partner_a):
    other = make_user("someone@example.org")
    _, link = create_invitation("ana@example.org", partner_a, "editor", site_url="http://testserver")
    client.force_login(other, backend="accounts.backends.EmailBackend")
    assert client.post(path_of(link), accept_form()).status_code == 403
    assert not get_user_model().objects.filter(email="ana@example.org").exists()
    assert other.groups.count() == 0


# --- who may invite whom (admin and service) ---


def partner_users_url(partner):
    return reverse("partner_users:partner", args=[partner.pk])


def test_staff_invite_a_manager_from_the_admin(login, partner_a, staff):
    client = login(staff)
    response = client.post(partner_users_url(partner_a), {"email": "boss@asu.example.edu", "role": "manager"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "boss@asu.example.edu",
        "manager",
        staff,
    )
    assert mail.outbox[0].to == ["boss@asu.example.edu"]
    assert "/partners/invitations/" in mail.outbox[0].body


def test_a_manager_invites_their_own_editors_only(login, partner_a, partner_b, manager_a):
    client = login(manager_a)
    page = client.get(partner_users_url(partner_a))
    assert page.status_code == 200
    assert [value for value, _ in page.context["form"].fields["role"].choices] == ["editor"]
    assert (
        client.post(
            partner_users_url(partner_a), {"email": "e@asu.example.edu", "role": "editor"}
        ).status_code
        == 302
    )

    # A manager role, or another partner, is refused whatever the form sends.
    assert (
        client.post(
            partner_users_url(partner_a), {"email": "m@asu.example.edu", "role": "manager"}
        ).status_code
        == 400
    )
    assert (
        client.post(
            partner_users_url(partner_b), {"email": "x@cccs.example.edu", "role": "editor"}
        ).status_code
        == 404
    )
    assert client.get(partner_users_url(partner_b)).status_code == 404
    assert list(Invitation.objects.values_list("email", "partner", "role")) == [
        ("e@asu.example.edu", partner_a.pk, "editor")
    ]
    assert len(mail.outbox) == 1


def test_editors_cannot_invite(login, partner_a, editor_a):
    client = login(editor_a)
    assert is_refused(client.get(reverse("partner_users:index")))
    assert (
        client.post(
            partner_users_url(partner_a), {"email": "e@asu.example.edu", "role": "editor"}
        ).status_code
        == 404
    )
    assert not Invitation.objects.exists() and not mail.outbox


def test_the_service_refuses_what_the_inviter_does_not_hold(partner_a, partner_b, manager_a, editor_a):
    with pytest.raises(InvitationRefused):
        create_invitation("m@example.org", partner_a, "manager", invited_by=manager_a)
    with pytest.raises(InvitationRefused):
        create_invitation("e@example.org", partner_b, "editor", invited_by=manager_a)
    with pytest.raises(InvitationRefused):
        create_invitation("e@example.org", partner_a, "editor", invited_by=editor_a)
    assert not Invitation.objects.exists() and not mail.outbox


# --- deactivating ---


def deactivate_url(partner, user, role):
    return reverse("partner_users:deactivate", args=[partner.pk, user.pk, role])


def test_a_manager_deactivates_their_own_editor(login, partner_a, manager_a, editor_a):
    client = login(manager_a)
    assert client.post(deactivate_url(partner_a, editor_a, "editor")).status_code == 302
    assert not editor_a.groups.exists()
    login(editor_a)
    # No partner group, no admin access: the admin sends them to its login page.
    response = client.get(reverse("wagtailadmin_pages:edit", args=[partner_a.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("wagtailadmin_login"))


def test_a_manager_cannot_deactivate_managers_or_other_partners_users(
    login, partner_a, partner_b, manager_a, editor_b
):
    other_manager = make_partner_user(partner_a, "manager", "manager2@asu.example.edu")
    client = login(manager_a)
    assert is_refused(client.post(deactivate_url(partner_a, other_manager, "manager")))
    assert is_refused(client.post(deactivate_url(partner_a, manager_a, "manager")))
    assert client.post(deactivate_url(partner_b, editor_b, "editor")).status_code == 404
    assert client.post(deactivate_url(partner_a, editor_b, "editor")).status_code == 404
    assert other_manager.groups.count() == manager_a.groups.count() == editor_b.groups.count() == 1


def test_staff_deactivate_a_manager(login, partner_a, manager_a, staff):
    client = login(staff)
    assert client.post(deactivate_url(partner_a, manager_a, "manager")).status_code == 302
    assert not manager_a.groups.exists()


def test_an_unsendable_email_saves_no_invitation(login, partner_a, staff, settings):
    """A real SMTP connection to a closed local port: the mail server is unreachable."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 8149, 2
    client = login(staff)
    response = client.post(partner_users_url(partner_a), {"email": "boss@asu.example.edu", "role": "manager"})
    assert response.status_code == 302
    assert "could not be sent" in str(list(response.wsgi_request._messages)[0])
    assert not Invitation.objects.exists()
