"""Standard Webhooks signatures (https://www.standardwebhooks.com/), with the reference library.

What we send to issuers is signed here, and what an issuer sends back to our callback is
verified here, both with the endpoint's whsec_ secret. The signature covers the webhook-id, the
timestamp and the exact body bytes; the library refuses a timestamp more than five minutes off,
so a captured request cannot be replayed later.
"""

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

__all__ = ["InvalidSignature", "sign_headers", "verify"]


class InvalidSignature(ValueError):
    """Missing headers, a stale timestamp, or a signature that the secret did not make."""


def sign_headers(secret, message_id, moment, body):
    """The three signature headers for `body` (a str, sent as UTF-8) sent at `moment`."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, moment, body),
    }


def verify(secret, body, headers):
    """The parsed JSON body if `headers` carry a valid signature of `body` (bytes), else
    InvalidSignature. `headers` is any mapping; names are matched case-insensitively."""
    try:
        return Webhook(secret).verify(body, dict(headers))
    except (WebhookVerificationError, ValueError, TypeError, RecursionError) as error:
        raise InvalidSignature(str(error) or "Invalid signature") from error
