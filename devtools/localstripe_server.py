"""Start localstripe (a stateful fake Stripe server) for development and tests.

What this launcher adds to plain `localstripe`, and why:

- Its own store. localstripe keeps its state in a fixed file, /tmp/localstripe.pickle, shared by
  every process on the machine; each run here gets its own store file (LOCALSTRIPE_STORE or
  --store), starts empty, and listens on 127.0.0.1 only.
- A webhook endpoint registered at start (--webhook-url, --webhook-secret). localstripe holds
  endpoints in memory only, so `make run` would otherwise lose it on every restart.
- A patched fake Stripe.js at /js.stripe.com/v3/devtools/ (devtools/localstripe_patch.js). The
  fake's card form is five raw inputs that cannot take a card number typed with spaces or a
  four-digit year; the patch draws Stripe's one-row Card Element instead (number, MM / YY, CVC).
  The fake's confirmCardPayment() never sends the card the learner typed (it only simulates
  3-D Secure), so a browser purchase cannot succeed or be declined by card number. The patch
  sends the card to the extra route /_config/devtools/payment_intents/<id>/confirm_card, which
  checks the client secret, creates the PaymentMethod, attaches it and confirms — then 3-D
  Secure cards get localstripe's own authentication dialog. The app only reads STRIPE_JS_URL,
  so with Stripe's real Stripe.js nothing here is used.

Usage: python -m devtools.localstripe_server --port 8420 [--webhook-url URL --webhook-secret S]
"""

import argparse
import datetime
import os
import pickle
import socket
import tempfile
from pathlib import Path

from aiohttp import web
from localstripe import resources, server
from localstripe.errors import UserError
from localstripe.webhooks import register_webhook

PATCH_JS = Path(__file__).with_name("localstripe_patch.js")
CARD_FIELDS = ("number", "exp_month", "exp_year", "cvc")


def use_store(path):
    def try_load_from_disk(self):
        try:
            with open(path, "rb") as handle:
                self.clear()
                self.update(pickle.load(handle))
        except (FileNotFoundError, EOFError):
            pass

    def dump_to_disk(self):
        with open(path, "wb") as handle:
            pickle.dump(dict(self), handle, protocol=pickle.HIGHEST_PROTOCOL)

    resources.Store.try_load_from_disk = try_load_from_disk
    resources.Store.dump_to_disk = dump_to_disk


def patched_stripe_js(request):
    original = Path(server.__file__).with_name("localstripe-v3.js").read_text()
    return web.Response(text=original + "\n" + PATCH_JS.read_text(), content_type="application/javascript")


def card_error(message, code):
    # The shape Stripe.js gives a card error, so the page shows it like a real one.
    return UserError(402, message, {"type": "card_error", "code": code})


def check_card(card):
    if not isinstance(card, dict):
        raise card_error("Your card details are incomplete.", "incomplete_number")
    values = {field: str(card.get(field) or "").strip().replace(" ", "") for field in CARD_FIELDS}
    if len(values["number"]) != 16 or not values["number"].isdigit():
        raise card_error("Your card number is incomplete.", "incomplete_number")
    if not values["exp_month"].isdigit() or not 1 <= int(values["exp_month"]) <= 12:
        raise card_error("Your card's expiration month is invalid.", "invalid_expiry_month")
    if not values["exp_year"].isdigit() or len(values["exp_year"]) not in (2, 4):
        raise card_error("Your card's expiration year is incomplete.", "incomplete_expiry")
    year = int(values["exp_year"]) + (2000 if len(values["exp_year"]) == 2 else 0)
    today = datetime.date.today()
    if (year, int(values["exp_month"])) < (today.year, today.month):
        raise card_error("Your card's expiration year is in the past.", "invalid_expiry_year_past")
    if len(values["cvc"]) != 3 or not values["cvc"].isdigit():
        raise card_error("Your card's security code is incomplete.", "incomplete_cvc")
    return values


async def confirm_card(request):
    """Create a card PaymentMethod, attach it to the intent and confirm it, as Stripe.js would."""
    data = await server.get_post_data(request) or {}
    intent = resources.PaymentIntent._api_retrieve(request.match_info["id"])
    if data.get("client_secret") != intent.client_secret:
        raise UserError(401, "Unauthorized")
    if intent.status not in ("requires_payment_method", "requires_confirmation"):
        raise UserError(400, f"This PaymentIntent's status is {intent.status}; it cannot be confirmed.")
    card = check_card(data.get("card"))
    method = resources.PaymentMethod._api_create(type="card", card=card)
    # A declined attempt leaves a failed charge behind; a new attempt starts without it, as on Stripe.
    intent.latest_charge = None
    intent.payment_method = method.id
    intent._confirm(on_failure_now=intent._report_failure)
    return server.json_response(intent._export())


def build_app():
    app = server.app
    app.router.add_get("/js.stripe.com/v3/devtools/", patched_stripe_js)
    app.router.add_post("/_config/devtools/payment_intents/{id}/confirm_card", confirm_card)
    return app


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--store", default=os.environ.get("LOCALSTRIPE_STORE"))
    parser.add_argument(
        "--keep-store",
        action="store_true",
        help="keep what the store file holds (make run: orders survive restarts)",
    )
    parser.add_argument("--webhook-url", help="deliver events to this URL (the app's Stripe webhook)")
    parser.add_argument("--webhook-secret", default="whsec_localstripe_development")
    args = parser.parse_args()
    store = args.store or os.path.join(tempfile.gettempdir(), f"localstripe-{args.port}.pickle")
    use_store(store)
    if args.keep_store:
        resources.store.try_load_from_disk()
    else:
        resources.store.clear()
    if args.webhook_url:
        register_webhook("app", args.webhook_url, args.webhook_secret, None)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    print(f"localstripe listening on http://127.0.0.1:{args.port} (store {store})", flush=True)
    web.run_app(build_app(), sock=sock, print=None)


if __name__ == "__main__":
    main()
