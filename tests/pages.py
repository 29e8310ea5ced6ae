"""Reading rendered pages in tests."""

from bs4 import BeautifulSoup


def get_soup(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")
