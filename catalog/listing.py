"""Helpers that keep listings of credentials at a fixed number of queries."""

from wagtail.models import Page


def attach_providers(credentials):
    """Set `.provider` (the PartnerPage a credential lives under) on each credential.

    One query for the whole list instead of one `get_parent()` per card: a credential's parent
    path is its own path minus the last tree step.
    """
    from partners.models import PartnerPage

    credentials = list(credentials)
    parent_paths = {page.path[: -Page.steplen] for page in credentials}
    if not parent_paths:
        return credentials
    partners = {
        partner.path: partner
        for partner in PartnerPage.objects.filter(path__in=parent_paths).select_related("logo")
    }
    for page in credentials:
        page.provider = partners.get(page.path[: -Page.steplen])
    return credentials
