"""Invitations: one-time, expiring links that make their holder a partner's editor or manager.

The link's token is shown once (emailed, or printed by `manage.py partners invite`); only its
SHA-256 is stored. Accepting creates the account (or, for an address that already has one,
asks for its password), puts it in the partner's group and confirms the address, which the
link has just reached. A link that is unknown, used or expired changes nothing.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .access import invitable_roles, partner_group
from .models import INVITATION_VALID_FOR, Invitation, PartnerRole, hash_invitation_token


class InvitationRefused(Exception):
    """The inviter may not grant this role for this partner."""


class InvitationUnusable(Exception):
    """The link is unknown, already used or expired; the message says which, for the visitor."""


def invitation_path(token):
    return reverse("partners:accept_invitation", kwargs={"token": token})


def create_invitation(email, partner, role, invited_by=None, site_url=None):
    """Make an invitation, email it, and return (invitation, link).

    `invited_by=None` is an operator at the command line; anyone else may grant only what
    `invitable_roles` allows them. The invitation and the email succeed or fail together, and
    earlier unused invitations of the same address to the same partner stop working."""
    role = PartnerRole(role)
    if invited_by is not None and role not in invitable_roles(invited_by, partner):
        raise InvitationRefused(
            f"You may not invite a {role.label.lower()} for {partner.title}."
            if invitable_roles(invited_by, partner)
            else f"You may not invite users for {partner.title}."
        )
    email = get_user_model().objects.normalize_email(email)
    token = Invitation.new_token()
    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.pending().filter(email=email, partner=partner).update(expires_at=now)
        invitation = Invitation.objects.create(
            email=email,
            partner=partner,
            role=role,
            token_hash=hash_invitation_token(token),
            created_at=now,
            expires_at=now + INVITATION_VALID_FOR,
            invited_by=invited_by,
        )
        # The admin's configured address, never the request's Host header.
        base = settings.WAGTAILADMIN_BASE_URL if site_url is None else site_url
        link = base.rstrip("/") + invitation_path(token)
        send_invitation_email(invitation, link)
    return invitation, link


def send_invitation_email(invitation, link):
    context = {"invitation": invitation, "link": link}
    send_mail(
        subject=f"You are invited to edit {invitation.partner.title} on the Microcredential Catalog",
        message=render_to_string("partners/emails/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


def find_invitation(token):
    """The pending invitation for `token`, or InvitationUnusable saying why not."""
    invitation = (
        Invitation.objects.filter(token_hash=hash_invitation_token(str(token)))
        .select_related("partner")
        .first()
    )
    if invitation is None:
        raise InvitationUnusable("This invitation link is not valid. Check that you copied the whole link.")
    if invitation.accepted_at is not None:
        raise InvitationUnusable("This invitation has already been used. Log in with the account it created.")
    if invitation.is_expired:
        raise InvitationUnusable("This invitation has expired. Ask whoever invited you for a new one.")
    return invitation


def existing_account(invitation):
    return get_user_model().objects.filter(email=invitation.email).first()


@transaction.atomic
def accept_invitation(invitation, *, password=None, first_name="", last_name="", user=None):
    """Use the invitation once: for `user` (an existing account whose password was checked)
    or for a new account made with `password` and the name. Returns the user.

    Claiming the row with a conditional update makes two simultaneous uses one use."""
    claimed = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).update(accepted_at=timezone.now())
    if not claimed:
        raise InvitationUnusable("This invitation has already been used or has expired.")
    if user is None:
        user = get_user_model().objects.create_user(
            email=invitation.email,
            password=password,
            first_name=first_name,
            last_name=last_name,
            email_verified_at=timezone.now(),
        )
    elif user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    partner_group(invitation.partner, invitation.role).user_set.add(user)
    Invitation.objects.filter(pk=invitation.pk).update(accepted_by=user)
    return user
