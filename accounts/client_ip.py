"""The address a request comes from, as the throttles count it.

REMOTE_ADDR, unless settings.TRUSTED_PROXY_COUNT says how many reverse proxies (load balancer,
nginx) stand in front of the site: then the X-Forwarded-For entry added by the outermost of
them. Entries to the left of it were written by the client and prove nothing; with no proxy
configured the header is ignored altogether, because anyone can send it. Behind a proxy with
the setting left at 0 every learner would share the proxy's address (docs/OPERATIONS.md).
"""

import ipaddress
import logging

from django.conf import settings

logger = logging.getLogger(__name__)
_warned = False


def client_address(request):
    remote = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if request is not None else ""
    if proxies <= 0:
        _warn_once(forwarded)
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if len(hops) < proxies:
        # The request did not pass through every trusted proxy; trust only the connection.
        return remote
    try:
        return str(ipaddress.ip_address(hops[-proxies]))
    except ValueError:
        return remote


def _warn_once(forwarded):
    global _warned
    if forwarded and not _warned:
        _warned = True
        logger.warning(
            "Requests carry X-Forwarded-For but TRUSTED_PROXY_COUNT is 0: clients are counted at "
            "REMOTE_ADDR. Behind a reverse proxy, set TRUSTED_PROXY_COUNT (docs/OPERATIONS.md)."
        )
