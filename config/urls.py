from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from checkout.webhooks import stripe_webhook
from config import (
    converters,  # noqa: F401  (registers <dbid:...> before any route uses it)
    form_ids,  # noqa: F401  (id choices past the column's range are invalid, not 500s)
)
from config.api import api_router

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("accounts/", include("accounts.urls")),
    path("partners/", include("partners.urls")),  # partner users accept their invitations
    path("checkout/stripe/webhook/", stripe_webhook, name="stripe_webhook"),
    path("", include("issuance.webhook_urls")),  # the issuers' signed callback
    path("", include("checkout.urls")),
    path("", include("issuance.urls")),  # My learning and the credential links
    path("documents/", include(wagtaildocs_urls)),
    path("", include("search.urls")),
    path("api/v2/", api_router.urls),
    # The integration API for LMSs: roster and completions (issuance/api.py, docs/API.md).
    path("api/v1/", include("issuance.api_urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    from devtools.mailbox import mailbox

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
    # The emails the site sent, for `make run` offline (devtools/mailbox.py).
    urlpatterns += [path("dev/mailbox/", mailbox, name="dev_mailbox")]

urlpatterns += [
    # Everything else is a Wagtail page; this must stay last.
    path("", include(wagtail_urls)),
]
