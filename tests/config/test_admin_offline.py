"""The admin makes no request to another host: an offline development site shows no broken
avatars and asks wagtail.org nothing (config/settings/base.py, "No third-party requests")."""

import re
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from catalog.models import MicrocredentialPage
from checkout.models import Order

pytestmark = pytest.mark.django_db

# Elements whose URL attributes the browser fetches by itself (links a person clicks do not count).
FETCHED = {
    "img": ("src", "srcset"),
    "script": ("src",),
    "link": ("href",),
    "iframe": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
}


class FetchedUrls(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in FETCHED.get(tag, ()) and value:
                self.urls.extend(part.split()[0] for part in value.split(",") if part.strip())
            if name == "style" and value:
                self.urls.extend(re.findall(r"url\(['\"]?([^'\")]+)", value))


def outside_requests(html):
    """URLs a browser would fetch from a host other than the site's, including avatar URLs in the
    admin's JSON props (the sidebar renders the account avatar from them)."""
    parser = FetchedUrls()
    parser.feed(html)
    urls = parser.urls + re.findall(r'"avatarUrl":\s*"([^"]+)"', html)
    return sorted({url for url in urls if urlsplit(url).hostname not in (None, "testserver")})


@pytest.fixture
def staff_client(client):
    call_command("seed_demo", learners=1, admin=True, stdout=StringIO())
    client.force_login(get_user_model().objects.get(email="admin@example.com"))
    return client


def test_admin_pages_fetch_nothing_from_other_hosts(staff_client):
    credential = MicrocredentialPage.objects.get(short_code="ASU-BDA-110")
    order = Order.objects.first()
    urls = [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_explore_root"),
        reverse("wagtailadmin_pages:edit", args=[credential.pk]),
        reverse("wagtailadmin_account"),
        reverse("wagtailimages:index"),
        reverse("wagtailusers_users:index"),
        reverse("orders:index"),
        reverse("orders:inspect", args=[order.pk]),
    ]
    for url in urls:
        response = staff_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert outside_requests(html) == [], url
        assert "gravatar.com" not in html, url
    dashboard = staff_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "w-whats-new" not in dashboard  # the "What's new in Wagtail" banner


def test_the_check_sees_an_outside_image():
    html = '<img src="https://www.gravatar.com/avatar/x?s=50"><a href="https://guide.wagtail.org/">Help</a>'
    assert outside_requests(html) == ["https://www.gravatar.com/avatar/x?s=50"]
    assert outside_requests('<script src="/static/x.js"></script><img src="http://testserver/a.png">') == []
