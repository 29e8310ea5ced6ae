"""A local mailbox for development: the site's emails, readable at /dev/mailbox/.

`make run` is offline, yet signing up needs the confirmation link that is emailed. The
development settings send mail through MailboxBackend, which keeps each message as a file in
DEV_MAILBOX_DIR (tmp/mail/): files, so that messages sent by the task worker (a separate
process) show up too. The page lists them newest first, with their links clickable. It is
routed only when DEBUG is on (config/urls.py) and refuses to answer otherwise.
"""

import email
import email.policy
import os
import sys
import tempfile
import time
import uuid
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.http import Http404
from django.template.response import TemplateResponse

SHOWN = 50


def mailbox_dir():
    return Path(getattr(settings, "DEV_MAILBOX_DIR", settings.BASE_DIR / "tmp" / "mail"))


class MailboxBackend(BaseEmailBackend):
    """Stores every message as an .eml file in DEV_MAILBOX_DIR, and says so on the console."""

    def send_messages(self, email_messages):
        directory = mailbox_dir()
        directory.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            name = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}.eml"
            # Written aside, then renamed into place, so the page never reads half a message.
            with tempfile.NamedTemporaryFile(dir=directory, suffix=".part", delete=False) as part:
                part.write(message.message().as_bytes())
            os.replace(part.name, directory / name)
            sys.stderr.write(
                f"Mail to {', '.join(message.recipients())}: {message.subject!r}. "
                "Read it in the local mailbox: /dev/mailbox/\n"
            )
        return len(email_messages)


def read_messages(directory=None, limit=SHOWN):
    """The newest `limit` messages: dicts of subject, to, sent (datetime) and body (text)."""
    directory = Path(directory or mailbox_dir())
    files = sorted(directory.glob("*.eml"), reverse=True)[:limit] if directory.is_dir() else []
    messages = []
    for path in files:
        parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        body = parsed.get_body(preferencelist=("plain", "html"))
        messages.append(
            {
                "id": path.stem,
                "subject": parsed["subject"] or "(no subject)",
                "to": parsed["to"] or "",
                "sent": parsedate_to_datetime(parsed["date"]) if parsed["date"] else None,
                "body": body.get_content() if body is not None else "",
            }
        )
    return messages


def mailbox(request):
    if not settings.DEBUG:
        raise Http404("The mailbox exists in development only.")
    return TemplateResponse(
        request, "devtools/mailbox.html", {"mail": read_messages(), "directory": mailbox_dir()}
    )
