"""Absolute links follow the address the site is reached at (`make run PORT=8010`), or PUBLIC_URL.

The demo's Site record says 127.0.0.1:8000 (where WAGTAILADMIN_BASE_URL pointed when the site was
made); the requests here come to another host and port, as on a site started on another port.
"""

import csv
import io
import json
import re

import pytest
from wagtail.models import Site

from tests.builders import make_credential, make_pathway

pytestmark = pytest.mark.django_db

HOST = "127.0.0.1:8010"


@pytest.fixture
def linked_catalog(partner, framework):
    Site.objects.filter(is_default_site=True).update(hostname="127.0.0.1", port=8000)
    competency = framework[1][0]
    credential = make_credential(partner, [competency], title="Linked Credential", short_code="LNK-1")
    other = make_credential(partner, [competency], title="Second Credential", short_code="LNK-2")
    pathway = make_pathway(partner, [(credential, True), (other, True)], title="Linked Pathway")
    return credential, pathway, competency


def all_urls(value):
    """Every http(s) URL in a JSON document."""
    return re.findall(r"https?://[^\"\s]+", json.dumps(value))


def test_skills_api_links_follow_the_request(client, linked_catalog):
    credential, pathway, competency = linked_catalog
    data = client.get("/api/v1/skills-search/", {"competency": competency.pk}, HTTP_HOST=HOST).json()
    assert data["results"][0]["url"] == f"http://{HOST}{credential.url}"
    assert data["pathways"][0]["url"] == f"http://{HOST}{pathway.url}"
    assert all(url.startswith(f"http://{HOST}/") for url in all_urls(data))


def test_skills_csv_links_follow_the_request(client, linked_catalog):
    credential, _, competency = linked_catalog
    response = client.get("/skills/results.csv", {"competency": competency.pk}, HTTP_HOST=HOST)
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert f"http://{HOST}{credential.url}" in [row["url"] for row in rows]
    assert ":8000" not in response.content.decode()


def test_wagtail_api_links_follow_the_request(client, linked_catalog):
    credential, _, _ = linked_catalog
    listing = client.get("/api/v2/pages/", {"type": "catalog.MicrocredentialPage"}, HTTP_HOST=HOST).json()
    item = next(item for item in listing["items"] if item["title"] == "Linked Credential")
    assert item["meta"]["html_url"] == f"http://{HOST}{credential.url}"
    assert item["meta"]["detail_url"] == f"http://{HOST}/api/v2/pages/{credential.pk}/"
    detail = client.get(f"/api/v2/pages/{credential.pk}/", HTTP_HOST=HOST).json()
    assert detail["meta"]["parent"]["meta"]["html_url"] == f"http://{HOST}{credential.get_parent().url}"
    urls = all_urls(listing) + all_urls(detail)
    assert urls and all(url.startswith(f"http://{HOST}/") for url in urls), urls
    found = client.get("/api/v2/pages/find/", {"html_path": credential.url}, HTTP_HOST=HOST)
    assert found["Location"].startswith(f"http://{HOST}/api/v2/pages/{credential.pk}/")


def test_json_ld_links_follow_the_request(client, linked_catalog):
    credential, _, _ = linked_catalog
    page = client.get(credential.url, HTTP_HOST=HOST).content.decode()
    assert f'"url": "http://{HOST}{credential.url}"' in page
    assert "127.0.0.1:8000" not in page


def test_https_behind_a_proxy_keeps_the_scheme(client, linked_catalog, settings):
    credential, _, competency = linked_catalog
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    data = client.get(
        "/api/v1/skills-search/",
        {"competency": competency.pk},
        HTTP_HOST="credentials.example.edu",
        HTTP_X_FORWARDED_PROTO="https",
    ).json()
    assert data["results"][0]["url"] == f"https://credentials.example.edu{credential.url}"


def test_a_configured_public_url_wins(client, linked_catalog, settings):
    credential, _, competency = linked_catalog
    settings.PUBLIC_URL = "https://credentials.example.edu"
    data = client.get("/api/v1/skills-search/", {"competency": competency.pk}, HTTP_HOST=HOST).json()
    assert data["results"][0]["url"] == f"https://credentials.example.edu{credential.url}"
    listing = client.get("/api/v2/pages/", {"type": "catalog.MicrocredentialPage"}, HTTP_HOST=HOST).json()
    assert {url.split("/")[2] for url in all_urls(listing)} == {"credentials.example.edu"}
