"""The site's own error pages."""

import pytest

pytestmark = pytest.mark.django_db


def test_unknown_url_is_a_friendly_404(client, site_tree):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
