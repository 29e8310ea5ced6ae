"""No public address answers 500, whatever text is in its path, its query string or its form.

tests/config/test_url_integers.py fuzzes the ids in addresses and tests/search/ the query
strings of search and the APIs; this fuzz covers the rest of what anyone can reach without staff
rights: the Wagtail pages (home, catalog, partner and credential pages, and paths that are no
page), sign-up, log-in, email confirmation and password-reset links, and a learner's order,
receipt and My learning pages, each as a visitor and as a signed-in learner. Each address is
fuzzed on its own, one request per example, so a failure shrinks quickly to the text that
caused it. Run it longer with HYPOTHESIS_MAX_EXAMPLES (tests/fuzzing.py).
"""

from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.http import QueryDict
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzzing import fuzz_settings

pytestmark = pytest.mark.django_db

# {} is a path segment from the fuzz; {page} the path of a live page of the small catalog.
GET = [
    "/",
    "/{}/",
    "/{page}",
    "/{page}{}/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/signup/check-your-email/",
    "/accounts/confirm/{}/{}/",
    "/accounts/password-reset/",
    "/accounts/password-reset/sent/",
    "/accounts/password-reset/{}/{}/",
    "/accounts/password-reset/complete/",
    "/my-learning/",
    "/my-learning/receipts/{}/",
    "/checkout/orders/{}/",
    "/checkout/orders/{}/complete/",
]
# The forms anyone can post, and their fields.
POST = {
    "/accounts/login/": ["username", "password", "next"],
    "/accounts/signup/": ["email", "first_name", "last_name", "password1", "password2", "next"],
    "/accounts/confirm/resend/": ["email", "next"],
    "/accounts/password-reset/": ["email"],
    "/accounts/confirm/{}/{}/": ["next"],
    "/accounts/password-reset/{}/{}/": ["new_password1", "new_password2"],
}
TARGETS = [("get", path) for path in GET] + [("post", path) for path in POST]
QUERY_NAMES = ["page", "next", "q", "uid", "token", "email", "status", "x"]
ODD = ["", "0", "-1", "9223372036854775808", "%00", "a\x00b", "..", "../..", "//evil.example", "ü" * 300]

texts = st.one_of(
    st.text(max_size=40),
    st.sampled_from(ODD),
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(["abc", "logout", "/catalog/", "https://evil.example/"]),  # for next=
)


@pytest.fixture
def visitors(client, small_catalog):
    """A visitor, a signed-in learner, and the paths of the catalog's pages."""
    learner = Client()
    learner.force_login(get_user_model().objects.create_user(email="ana@example.org", password="x"))
    pages = [page.url.lstrip("/") for page in small_catalog["pages"].values()]
    pages += [partner.url.lstrip("/") for partner in small_catalog["partners"]]
    return {"visitor": client, "learner": learner}, pages


def query_string(params):
    query = QueryDict(mutable=True)
    for name, value in params:
        query.appendlist(name, value)  # NUL characters included: config/middleware.py refuses them
    return query.urlencode()


@pytest.mark.parametrize("method, template", TARGETS, ids=[f"{m} {t}" for m, t in TARGETS])
@fuzz_settings(max_examples=25)
@given(
    who=st.sampled_from(["visitor", "learner"]),
    segments=st.lists(texts, min_size=2, max_size=2),
    page_index=st.integers(min_value=0, max_value=100),
    params=st.lists(st.tuples(st.sampled_from(QUERY_NAMES), texts), max_size=4),
    form=st.dictionaries(st.sampled_from(sorted({f for fields in POST.values() for f in fields})), texts),
)
def test_no_public_address_answers_500(visitors, method, template, who, segments, page_index, params, form):
    clients, pages = visitors
    path = template.replace("{page}", pages[page_index % len(pages)])
    path = path.format(*(quote(segment, safe="") for segment in segments))
    url = f"{path}?{query_string(params)}"
    if method == "get":
        response = clients[who].get(url)
    else:
        data = {name: value for name, value in form.items() if name in POST[template]}
        response = clients[who].post(url, data)
    assert response.status_code < 500, (method, url, form, response.status_code)
