"""The issuer's callback: an issuer that issues later (after review, in a batch) reports the
credential here instead of in its answer to our webhook.

    POST /issuance/callback/<endpoint id>/
    webhook-id, webhook-timestamp, webhook-signature: Standard Webhooks headers, signed with
        the endpoint's whsec_ secret (the one we sign our deliveries with)
    {"webhook_id": "msg_…", "credential_url": "https://…", "credential_id": "…"}

`webhook_id` is the id of our delivery being answered (or `completion_id`, the completion's id
from our body); Accredible's `{"credential": {"url": …, "id": …}}` is read too. The signature
is checked first; nothing is written unless everything is right, and every refusal is a 4xx
with a JSON `error` (and `field` when one input is at fault). Repeats are harmless: the same
credential is stored again.
"""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .delivery import credential_from_data, store_credential
from .models import Delivery, EventType, IssuerEndpoint
from .signing import InvalidSignature, verify

MAX_BODY_BYTES = 64 * 1024


def refuse(status, error, field=None):
    body = {"error": error}
    if field:
        body["field"] = field
    return JsonResponse(body, status=status)


@csrf_exempt
@require_POST
def issuer_callback(request, endpoint_id):
    endpoint = IssuerEndpoint.objects.filter(pk=endpoint_id).first()
    if endpoint is None:
        return refuse(404, "No such issuer endpoint.")
    if len(request.body) > MAX_BODY_BYTES:
        return refuse(413, "The body is larger than 64 KB.")
    try:
        data = verify(endpoint.secret, request.body, request.headers)
    except InvalidSignature as error:
        return refuse(401, f"Invalid signature: {error}")
    if not isinstance(data, dict):
        return refuse(400, "The body must be a JSON object.")

    delivery = find_delivery(endpoint, data)
    if isinstance(delivery, JsonResponse):
        return delivery
    if delivery.event_type == EventType.CREDENTIAL_REVOKED or delivery.completion.is_revoked:
        return refuse(409, "This completion was revoked; no credential can be attached to it.")
    credential = credential_from_data(data)
    if credential is None:
        return refuse(400, "credential_url must be an http(s) URL.", field="credential_url")
    url, identifier = credential
    store_credential(delivery.completion_id, url, identifier, replace=True)
    return JsonResponse(
        {"completion_id": delivery.completion_id, "credential_url": url, "credential_id": identifier}
    )


def find_delivery(endpoint, data):
    """The delivery of this endpoint that the callback answers, or a refusal."""
    deliveries = Delivery.objects.filter(endpoint=endpoint).select_related("completion")
    message_id, completion_id = data.get("webhook_id"), data.get("completion_id")
    if isinstance(message_id, str) and message_id:
        # Our ids are short and plain; anything else (a NUL, which PostgreSQL cannot even
        # compare) matches nothing.
        plain = len(message_id) <= 40 and message_id.isprintable()
        found = deliveries.filter(message_id=message_id).first() if plain else None
        field = "webhook_id"
    elif isinstance(completion_id, int) and not isinstance(completion_id, bool) and 0 < completion_id < 2**63:
        found = (
            deliveries.filter(completion_id=completion_id)
            .exclude(event_type=EventType.CREDENTIAL_REVOKED)
            .order_by("pk")
            .first()
        )
        field = "completion_id"
    else:
        return refuse(
            400, "Name the delivery: webhook_id (a string) or completion_id (a number).", "webhook_id"
        )
    if found is None:
        return refuse(404, f"No delivery to this endpoint has this {field}.", field=field)
    return found
