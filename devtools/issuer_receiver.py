"""A reference badge issuer for development: receives the catalog's signed webhooks on loopback.

What it does, as a real issuer (Credly, Accredible, a university's own) would:

- verifies each request's Standard Webhooks signature with the `standardwebhooks` library and
  the endpoint's whsec_ secret (a wrong signature, a stale timestamp: 401, nothing recorded);
- drops repeats by `webhook-id`: the catalog sends an event again under the same id after a
  timeout or a replay, and the same credential is answered again, never a second one;
- answers 200 with the credential it "issued", in the shape the catalog reads back:
  {"credential_url": "http://127.0.0.1:8430/credentials/<id>", "credential_id": "<id>"};
- lists what it received at GET / (and as JSON at GET /received.json), and shows each issued
  credential at its URL, so "View credential" in *My learning* opens something.

Failure injection, for tests and benchmarks: --fail-rate 0.3 answers 30% of requests with one of
--failures (500: a 500; timeout: record the event, then answer only after --hang-seconds, later
than the sender waits; reset: close the connection with a TCP reset; 429: a 429 with
Retry-After: --retry-after).

Usage: python -m devtools.issuer_receiver --port 8430 --secret whsec_… [--fail-rate 0.3]

No Django here: it starts in a blink and stands for a system that is not ours.
"""

import argparse
import collections
import html
import json
import os
import random
import socket
import struct
import sys
import threading
import time
import uuid
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

# The development secret `make run` starts the receiver with and `seed_demo` gives the demo
# endpoint (a Standard Webhooks secret: "whsec_" and base64 of 32 bytes). Development only.
DEVELOPMENT_SECRET = "whsec_ZGV2ZWxvcG1lbnQtaXNzdWVyLXJlY2VpdmVyLXNlY3JldCE="
DEFAULT_PORT = 8430
FAILURES = ("500", "timeout", "reset", "429")


class Received:
    """What the receiver has accepted, by webhook-id (thread-safe)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.by_id = {}
        self.requests = 0
        self.failures_injected = collections.Counter()  # by kind

    def accept(self, message_id, event):
        """Record an event; returns (entry, first time seen)."""
        with self.lock:
            entry = self.by_id.get(message_id)
            if entry is not None:
                entry["repeats"] += 1
                return entry, False
            credential_id = uuid.uuid4().hex[:16]
            completion = event.get("completion") or {}
            learner = event.get("learner") or {}
            subject = event.get("subject") or {}
            entry = {
                "webhook_id": message_id,
                "type": event.get("type"),
                "completion_id": completion.get("id"),
                "learner": learner.get("name"),
                "email": learner.get("email"),
                "subject": subject.get("title"),
                "credential_id": credential_id,
                "received_at": time.time(),
                "repeats": 0,
            }
            self.by_id[message_id] = entry
            return entry, True

    def snapshot(self):
        with self.lock:
            return {
                "requests": self.requests,
                "failures_injected": dict(self.failures_injected),
                "received": [dict(entry) for entry in self.by_id.values()],
            }


class IssuerReceiver(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(
        self,
        secret,
        host="127.0.0.1",
        port=DEFAULT_PORT,
        *,
        fail_rate=0.0,
        failures=FAILURES,
        hang_seconds=3.0,
        retry_after=1,
        seed=None,
        quiet=True,
    ):
        self.webhook_secret = secret
        self.webhook = Webhook(secret)
        self.fail_rate = fail_rate
        self.failures = tuple(failures)
        self.hang_seconds = hang_seconds
        self.retry_after = retry_after
        self.random = random.Random(seed)
        self.random_lock = threading.Lock()
        self.quiet = quiet
        self.received = Received()
        # Tests push answers here, used one per request before any random failure: a name from
        # FAILURES, or (status, JSON body, headers) to answer as given (recorded if 2xx).
        self.script = collections.deque()
        # The last requests as sent (headers, body), for tests that check signatures.
        self.log = collections.deque(maxlen=5000)
        super().__init__((host, port), ReceiverHandler)

    @property
    def base_url(self):
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def next_action(self):
        try:
            return self.script.popleft()
        except IndexError:
            pass
        with self.random_lock:
            if self.fail_rate and self.random.random() < self.fail_rate:
                return self.random.choice(self.failures)
        return None

    def start_in_thread(self):
        thread = threading.Thread(target=self.serve_forever, name="issuer-receiver", daemon=True)
        thread.start()
        return thread


class ReceiverHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as issuers' servers do
    # The headers and the body go out in two writes; with Nagle's algorithm the second waits for
    # the client's delayed ACK, 40 ms on Linux, on every request.
    disable_nagle_algorithm = True
    server_version = "ReferenceIssuer/1.0"

    def log_message(self, format, *args):
        if not self.server.quiet:
            super().log_message(format, *args)

    def answer(self, status, body, content_type="application/json", headers=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def answer_json(self, status, data, headers=()):
        self.answer(status, json.dumps(data), headers=headers)

    def do_POST(self):
        receiver = self.server
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with receiver.received.lock:
            receiver.received.requests += 1
        receiver.log.append((dict(self.headers.items()), body))
        try:
            event = receiver.webhook.verify(body, dict(self.headers.items()))
        except (WebhookVerificationError, ValueError) as error:
            return self.answer_json(HTTPStatus.UNAUTHORIZED, {"error": f"Signature refused: {error}"})
        if not isinstance(event, dict):
            return self.answer_json(HTTPStatus.BAD_REQUEST, {"error": "The body is not a JSON object."})

        failure = receiver.next_action()
        if isinstance(failure, tuple):
            status, data, headers = failure
            if 200 <= status < 300:
                receiver.received.accept(self.headers["webhook-id"], event)
            return self.answer_json(status, data, headers=headers)
        if failure:
            with receiver.received.lock:
                receiver.received.failures_injected[failure] += 1
            self.close_connection = True
        if failure == "reset":
            # SO_LINGER with a zero timeout: close() sends a TCP reset instead of a clean FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return
        if failure == "500":
            return self.answer_json(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": "Injected failure"})
        if failure == "429":
            return self.answer_json(
                HTTPStatus.TOO_MANY_REQUESTS,
                {"error": "Slow down"},
                headers=[("Retry-After", str(receiver.retry_after))],
            )

        entry, _first = receiver.received.accept(self.headers["webhook-id"], event)
        if failure == "timeout":
            # Issued, but the answer comes after the sender gave up: it will send again, under
            # the same webhook-id, and get the same credential.
            time.sleep(receiver.hang_seconds)
        credential_url = f"{receiver.base_url}/credentials/{entry['credential_id']}"
        try:
            self.answer_json(
                HTTPStatus.OK, {"credential_url": credential_url, "credential_id": entry["credential_id"]}
            )
        except OSError:
            pass  # the sender hung up (it timed out): nothing to answer

    def do_GET(self):
        received = self.server.received.snapshot()
        if self.path == "/received.json":
            return self.answer_json(HTTPStatus.OK, received)
        if self.path.startswith("/credentials/"):
            wanted = self.path.rsplit("/", 1)[-1]
            for entry in received["received"]:
                if entry["credential_id"] == wanted:
                    return self.answer(HTTPStatus.OK, credential_page(entry), "text/html; charset=utf-8")
            return self.answer(HTTPStatus.NOT_FOUND, "No such credential.", "text/plain")
        if self.path in ("/", ""):
            return self.answer(HTTPStatus.OK, listing_page(received), "text/html; charset=utf-8")
        return self.answer(HTTPStatus.NOT_FOUND, "Not found.", "text/plain")


PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}}
table{{border-collapse:collapse;width:100%}}
td,th{{border-bottom:1px solid #ccc;padding:.4rem;text-align:left}}
code{{font-size:.85em}}</style></head><body>{body}</body></html>"""


def listing_page(received):
    rows = "".join(
        "<tr><td>{when}</td><td>{type}</td><td>{learner}<br><small>{email}</small></td>"
        "<td>{subject}</td><td><code>{id}</code></td><td>{repeats}</td>"
        "<td><a href='/credentials/{cred}'>{cred}</a></td></tr>".format(
            when=time.strftime("%H:%M:%S", time.localtime(entry["received_at"])),
            type=html.escape(str(entry["type"])),
            learner=html.escape(str(entry["learner"])),
            email=html.escape(str(entry["email"])),
            subject=html.escape(str(entry["subject"])),
            id=html.escape(entry["webhook_id"]),
            repeats=entry["repeats"],
            cred=entry["credential_id"],
        )
        for entry in sorted(received["received"], key=lambda e: e["received_at"], reverse=True)
    )
    body = (
        "<h1>Reference issuer: received webhooks</h1>"
        f"<p>{len(received['received'])} event(s), {received['requests']} request(s), "
        f"{sum(received['failures_injected'].values())} injected failure(s). "
        "Repeats of a webhook-id are counted, not issued again. Reload to refresh.</p>"
        "<table><thead><tr><th>received</th><th>event</th><th>learner</th><th>credential</th>"
        "<th>webhook-id</th><th>repeats</th><th>issued credential</th></tr></thead>"
        f"<tbody>{rows or '<tr><td colspan=7>Nothing yet: complete an enrolment in the admin.</td></tr>'}"
        "</tbody></table>"
    )
    return PAGE.format(title="Reference issuer", body=body)


def credential_page(entry):
    body = (
        f"<h1>{html.escape(str(entry['subject']))}</h1>"
        f"<p>Awarded to {html.escape(str(entry['learner']))}. Credential {entry['credential_id']}, "
        "issued by the development reference issuer (not a real credential).</p>"
        "<p><a href='/'>All received</a></p>"
    )
    return PAGE.format(title=html.escape(str(entry["subject"])), body=body)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument(
        "--secret",
        default=os.environ.get("ISSUER_RECEIVER_SECRET", DEVELOPMENT_SECRET),
        help="The endpoint's whsec_ secret (default: $ISSUER_RECEIVER_SECRET, else the development one).",
    )
    parser.add_argument("--fail-rate", type=float, default=0.0, help="Fraction of requests to fail (0–1).")
    parser.add_argument(
        "--failures",
        default=",".join(FAILURES),
        help=f"Failures to pick from (default {','.join(FAILURES)}).",
    )
    parser.add_argument("--hang-seconds", type=float, default=3.0, help="How long a 'timeout' failure hangs.")
    parser.add_argument("--retry-after", type=int, default=1, help="Retry-After seconds of a 429.")
    parser.add_argument("--seed", type=int, default=None, help="Random seed for the failures.")
    parser.add_argument("--verbose", action="store_true", help="Log every request.")
    args = parser.parse_args(argv)
    failures = [f.strip() for f in args.failures.split(",") if f.strip()]
    unknown = set(failures) - set(FAILURES)
    if unknown or not 0 <= args.fail_rate <= 1:
        parser.error(f"--failures takes {', '.join(FAILURES)}; --fail-rate a number from 0 to 1.")
    receiver = IssuerReceiver(
        args.secret,
        args.host,
        args.port,
        fail_rate=args.fail_rate,
        failures=failures,
        hang_seconds=args.hang_seconds,
        retry_after=args.retry_after,
        seed=args.seed,
        quiet=not args.verbose,
    )
    print(f"Reference issuer listening on {receiver.base_url}/ (received webhooks at /)", flush=True)
    try:
        receiver.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        receiver.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
