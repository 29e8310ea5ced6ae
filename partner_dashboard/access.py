"""Who sees which partner's dashboard and statements, and who marks statements paid.

A partner's editors and managers see their own partner's; staff holding *Can view every
partner's dashboard and statements* (Settings → Groups, under *Partner dashboard*; superusers hold
everything) see every partner's. Marking a statement paid needs *Can mark partner statements as
paid*. Another partner's dashboard answers 404 to partner users: its existence is none of their
business.
"""

from partners.access import partner_pages_of
from partners.models import PartnerPage

VIEW_ANY = "partner_dashboard.view_any_partner_dashboard"
MARK_PAID = "partner_dashboard.mark_statement_paid"


def sees_every_partner(user):
    return user.is_active and user.has_perm(VIEW_ANY)


def dashboard_partners(user):
    """The partners whose dashboard `user` may open."""
    if not user.is_authenticated or not user.is_active:
        return PartnerPage.objects.none()
    if sees_every_partner(user):
        return PartnerPage.objects.order_by("title")
    return PartnerPage.objects.filter(pk__in=partner_pages_of(user).values("pk")).order_by("title")


def can_mark_paid(user):
    return user.is_active and user.has_perm(MARK_PAID)
