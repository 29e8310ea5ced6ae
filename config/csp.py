"""Content-Security-Policy, sent by django-csp's middleware with two additions read at each response.

The fixed directives are CONTENT_SECURITY_POLICY in config/settings/base.py (every environment
sends the same policy, enforced, so the browser tests run under production's). This middleware adds:

- Stripe's hosts, derived from the settings the checkout page uses: Stripe.js's origin (from
  STRIPE_JS_URL, or what checkout.payments.stripe_js_url() falls back to) may run scripts and
  frames; the API's origin (STRIPE_API_BASE, else https://api.stripe.com) may be fetched. With
  Stripe's own Stripe.js, the other hosts Stripe documents for it are added (its frames on
  *.js.stripe.com, 3-D Secure on hooks.stripe.com). Read per response, so a test that points
  STRIPE_API_BASE at its own localstripe port gets that port in the policy.
- Under the Wagtail admin, CONTENT_SECURITY_POLICY_ADMIN's directives replace the site's:
  Wagtail 8 still writes inline <script> blocks (InlinePanel, MultipleChooserPanel, the date
  pickers) without a nonce and its rich text editor inserts <style> elements, so the admin
  needs 'unsafe-inline' for both.
"""

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.urls import reverse

STRIPE_JS_ORIGIN = "https://js.stripe.com"
STRIPE_API_ORIGIN = "https://api.stripe.com"


def origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def stripe_sources():
    """The directives' sources Stripe.js needs, as the settings have it configured."""
    from checkout.payments import stripe_js_url

    script = origin(stripe_js_url())
    api = origin(settings.STRIPE_API_BASE) if settings.STRIPE_API_BASE else STRIPE_API_ORIGIN
    sources = {"script-src": [script], "frame-src": [script], "connect-src": [api]}
    if script == STRIPE_JS_ORIGIN:
        sources["script-src"].append("https://*.js.stripe.com")
        sources["frame-src"] += ["https://*.js.stripe.com", "https://hooks.stripe.com"]
    return sources


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        # The same additions to CONTENT_SECURITY_POLICY_REPORT_ONLY, when one is set to try a change.
        parts = super().get_policy_parts(request, response, report_only)
        update = stripe_sources()
        for directive, sources in (parts.update or {}).items():  # a view's @csp_update, if any
            sources = [sources] if isinstance(sources, str) else list(sources)
            update[directive] = [*update.get(directive, []), *sources]
        parts.update = update
        if request.path_info.startswith(reverse("wagtailadmin_home")):
            parts.replace = {**settings.CONTENT_SECURITY_POLICY_ADMIN, **(parts.replace or {})}
        return parts
