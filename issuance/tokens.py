"""Making and revoking integration tokens: shared by the admin and `manage.py integration_tokens`."""

from django.db import transaction
from django.utils import timezone

from .models import IntegrationToken


def issue_token(name, partners=(), created_by=None, *, all_partners=False):
    """(row, token): the token is shown to whoever made it once, and never again (only its hash is kept)."""
    with transaction.atomic():
        return IntegrationToken.issue(
            name, partners=partners, all_partners=all_partners, created_by=created_by
        )


def revoke_token(token):
    """Stop a token working, at once; True if this call revoked it (False: it already was).

    The row stays, so the completions it reported still say which integration reported them.
    """
    revoked = IntegrationToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token.refresh_from_db(fields=["revoked_at"])
    return bool(revoked)


def scope_label(token):
    if token.all_partners:
        return "every partner"
    names = [partner.title for partner in token.partners.all()]
    return ", ".join(names) if names else "no partner (refused until it is given partners)"
