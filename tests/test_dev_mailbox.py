"""The development mailbox (devtools/mailbox.py): where `make run`'s emails go, offline."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.mail import send_mail

from devtools.mailbox import mailbox, read_messages

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def mailbox_settings(settings, tmp_path):
    settings.EMAIL_BACKEND = "devtools.mailbox.MailboxBackend"
    settings.DEV_MAILBOX_DIR = tmp_path
    return settings


def test_messages_are_kept_and_listed_newest_first(mailbox_settings):
    send_mail("First", "Hello.", None, ["ana@example.org"])
    send_mail(
        "Second", "Open http://127.0.0.1:8000/accounts/confirm/x/y/?next=/catalog/", None, ["sam@example.org"]
    )
    first, second = reversed(read_messages())
    assert (first["subject"], first["to"], first["body"].strip()) == ("First", "ana@example.org", "Hello.")
    assert second["subject"] == "Second" and second["sent"] is not None


def test_the_page_shows_each_message_with_clickable_links(rf, mailbox_settings, db, site_tree):
    mailbox_settings.DEBUG = True
    send_mail(
        "Confirm",
        "Open http://127.0.0.1:8000/accounts/confirm/x/y/?next=/catalog/",
        None,
        ["ana@example.org"],
    )
    page = mailbox(rf.get("/dev/mailbox/")).render().content.decode()
    assert "Confirm" in page and "ana@example.org" in page
    assert "{'id'" not in page  # the list is not mistaken for the messages framework's
    assert '<a href="http://127.0.0.1:8000/accounts/confirm/x/y/?next=%2Fcatalog%2F"' in page


def test_the_page_is_not_there_outside_development(client, rf, mailbox_settings, db, site_tree):
    from django.http import Http404

    assert client.get("/dev/mailbox/").status_code == 404  # not routed: DEBUG is off in tests
    with pytest.raises(Http404):
        mailbox(rf.get("/dev/mailbox/"))  # and the view refuses even if it were


@pytest.mark.parametrize(
    ("settings_module", "routed"), [("config.settings.dev", True), ("config.settings.production", False)]
)
def test_only_development_settings_route_the_page(settings_module, routed):
    code = (
        "import django; django.setup(); from django.urls import resolve;"
        "print(resolve('/dev/mailbox/').url_name)"
    )
    environment = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "DEBUG"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        SECRET_KEY="a-production-secret-key-that-is-long-enough-0123456789abcdef",
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert (result.stdout.strip() == "dev_mailbox") is routed, result.stdout
