"""Absolute links to our own pages, for what is read away from the site: the skills CSV, the JSON
APIs (ours and Wagtail's /api/v2/), JSON-LD.

Wagtail's `page.get_full_url()` takes the host from the Site record, fixed when the site was set
up (http://127.0.0.1:8000 for the demo), so links pointed at port 8000 on a site running on
another port. Here a link follows the address the request came to (scheme, host and port;
ALLOWED_HOSTS has vetted the host), unless settings.PUBLIC_URL names the site's public address,
which production sets (docs/OPERATIONS.md). A page of another Wagtail site keeps that site's own
address.
"""

from django.conf import settings


def absolute_url(request, url):
    """`url` (a path of ours, or already absolute) as an absolute URL; None stays None."""
    if url is None or url.startswith(("http://", "https://")):
        return url
    if settings.PUBLIC_URL:
        return settings.PUBLIC_URL.rstrip("/") + url
    if request is not None:
        return request.build_absolute_uri(url)
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + url


def page_full_url(page, request):
    """The page's absolute URL, as a visitor who made `request` would reach it."""
    return absolute_url(request, page.get_url(request))
