"""Ids and offsets in addresses are validated before they reach the database.

A number that no 64-bit column can hold was a 500: SQLite's driver refuses it ("Python int too
large to convert to SQLite INTEGER"), a LIMIT/OFFSET past 2^63 - 1 is a "bigint out of range" on
PostgreSQL. An id in a path is now a 404 (config/converters.py), an offset, limit or integer
filter of the API a 400 that says why (config/api.py). The hypothesis fuzz below feeds such
numbers, and their neighbours, to every id-bearing route.
"""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from checkout.models import Enrolment, Order
from tests.fuzzing import fuzz_settings

pytestmark = pytest.mark.django_db

MAX_ID = 2**63 - 1
HUGE = ["9223372036854775808", "18446744073709551616", "99999999999999999999999"]
# Each one was a 500 on SQLite (OverflowError from the driver).
CHECKOUT_ROUTES = ["/checkout/enrol/{}/", "/checkout/enrol-free/{}/", "/my-learning/credit/{}/"]


@pytest.fixture
def learner_client(client, db):
    client.force_login(get_user_model().objects.create_user(email="ana@example.org", password="x"))
    return client


@pytest.mark.parametrize("route", CHECKOUT_ROUTES)
@pytest.mark.parametrize("number", [*HUGE, "0", "00", "007"])
def test_a_checkout_route_with_an_id_no_row_can_have_is_a_404(learner_client, catalog, route, number):
    response = learner_client.post(route.format(number))
    assert response.status_code == 404
    assert not Order.objects.exists() and not Enrolment.objects.exists()


@pytest.mark.parametrize("route", CHECKOUT_ROUTES)
def test_the_largest_id_still_reaches_the_view(learner_client, catalog, route):
    # 2^63 - 1 fits a bigint: the view looks it up, finds nothing and says so (a redirect).
    response = learner_client.post(route.format(MAX_ID))
    assert response.status_code == 302


def test_checkout_links_still_reverse():
    assert reverse("checkout:start", args=[42]) == "/checkout/enrol/42/"
    free = reverse("checkout:enrol_free", kwargs={"credential_id": MAX_ID})
    assert free == f"/checkout/enrol-free/{MAX_ID}/"


@pytest.mark.parametrize(
    "query, message",
    [
        ("offset=9223372036854775808", "offset must be an integer from 0 to 9223372036854775807"),
        ("offset=99999999999999999999999", "offset must be an integer from 0 to 9223372036854775807"),
        ("limit=9223372036854775808", "limit must be an integer from 0 to 9223372036854775807"),
        ("offset=-1", "offset must be a positive integer"),
        ("id=99999999999999999999999", "field filter error. id must be an integer from 1 to 2147483647"),
        ("id=0", "field filter error. id must be an integer from 1 to 2147483647"),
        (
            "type=catalog.MicrocredentialPage&provider=99999999999999999999999",
            "field filter error. provider must be an integer from 1 to 2147483647",
        ),
        (
            "type=catalog.MicrocredentialPage&notional_hours=9223372036854775808",
            "field filter error. notional_hours must be an integer from 0 to 2147483647",
        ),
        ("child_of=99999999999999999999999", "parent page doesn't exist"),
        ("descendant_of=99999999999999999999999", "ancestor page doesn't exist"),
        ("child_of=-5", "child_of must be a positive integer"),
    ],
)
def test_api_offsets_limits_and_ids_out_of_range_are_a_400_that_says_why(client, catalog, query, message):
    response = client.get("/api/v2/pages/?" + query)
    assert response.status_code == 400
    assert response.json() == {"message": message}


@pytest.mark.parametrize("value", ["", "abc", "1.5", "0", "99999999999999999999999"])
def test_api_find_by_an_id_that_is_no_page_id_is_a_400(client, catalog, value):
    # An empty or non-numeric id was a ValueError in the database layer: a 500 on both databases.
    response = client.get("/api/v2/pages/find/", {"id": value})
    assert response.status_code == 400
    assert response.json() == {"message": "id must be an integer from 1 to 2147483647"}


def test_api_find_by_id_still_finds(client, catalog):
    response = client.get("/api/v2/pages/find/", {"id": catalog.id})
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == f"/api/v2/pages/{catalog.id}/"


def test_api_integer_filters_in_range_still_filter(client, catalog):
    ids = [item["id"] for item in client.get("/api/v2/pages/").json()["items"]]
    response = client.get(f"/api/v2/pages/?id={catalog.id}")
    assert [item["id"] for item in response.json()["items"]] == [catalog.id] and catalog.id in ids
    assert client.get(f"/api/v2/pages/?offset={MAX_ID}").json()["items"] == []
    assert client.get(f"/api/v2/pages/{catalog.id}/").json()["title"] == "Catalog"


@pytest.mark.parametrize("number", [*HUGE, str(MAX_ID), "0", "007"])
def test_an_api_detail_address_with_an_id_no_page_can_have_is_a_404(client, catalog, number):
    assert client.get(f"/api/v2/pages/{number}/").status_code == 404


# --- the fuzz: any integer, in any id-bearing path or id-like API parameter, is never a 500 ---

PATHS = [
    ("post", "/checkout/enrol/{}/"),
    ("post", "/checkout/enrol-free/{}/"),
    ("post", "/my-learning/credit/{}/"),
    ("get", "/api/v2/pages/{}/"),
    ("get", "/api/v2/images/{}/"),
    ("get", "/documents/{}/file.pdf"),
    ("get", "/_util/authenticate_with_password/{}/{}/"),
    ("get", "/api/v2/pages/?offset={}"),
    ("get", "/api/v2/pages/?limit={}"),
    ("get", "/api/v2/pages/?id={}"),
    ("get", "/api/v2/pages/?child_of={}"),
    ("get", "/api/v2/pages/?descendant_of={}"),
    ("get", "/api/v2/pages/?ancestor_of={}"),
    ("get", "/api/v2/pages/?type=catalog.MicrocredentialPage&provider={}"),
    ("get", "/api/v2/pages/?type=catalog.MicrocredentialPage&credit_granting_institution={}"),
    ("get", "/api/v2/pages/?type=catalog.MicrocredentialPage&notional_hours={}"),
    ("get", "/api/v2/pages/find/?id={}"),
    ("get", "/api/v2/pages/find/?id=x{}"),
]
# Where hypothesis would rarely land by chance: the edges of the 32- and 64-bit ranges.
EDGES = [0, 1, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64, -1, -(2**63), -(2**63) - 1]
integers = st.one_of(
    st.sampled_from(EDGES),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.integers(min_value=2**63 - 2, max_value=2**64 + 2),
)


@fuzz_settings(max_examples=50)
@given(number=integers, leading_zeros=st.booleans())
def test_no_integer_in_an_address_causes_an_error(learner_client, catalog, number, leading_zeros):
    text = f"00{number}" if leading_zeros and number >= 0 else str(number)
    for method, template in PATHS:
        url = template.format(text, text)
        response = getattr(learner_client, method)(url)
        assert response.status_code in (200, 302, 400, 404), (method, url, response.status_code)
