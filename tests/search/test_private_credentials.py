"""A credential behind a Wagtail view restriction (a password, logged-in users only, some groups;
on its page or on its partner's page) is private: no search answer names it or counts it, not the
learner search and its facets, autocomplete, "did you mean" and popular skills, nor the employer
skills search, its CSV and its JSON API. Lifting the restriction brings it back at once, cached
answers included. Fixture: tests/conftest.py `build_private_catalog`."""

import csv
import io

import pytest
from django.urls import reverse

from search.sql.catalog_cache import has_uncommitted_changes
from search.suggestions import did_you_mean, popular_competencies
from tests.builders import restrict
from tests.conftest import build_private_catalog
from tests.search.helpers import counts, run, titles

pytestmark = pytest.mark.django_db

SECRETS = ("Confidential Data Pilot", "PIL-SECRET-1", "confidential-data-pilot", "Invitation-only Pathway")


def assert_names_no_secret(text):
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaked"


def test_search_results_and_facet_counts_leave_it_out(private_catalog):
    for query in ("q=data", "", "q=data&sort=price", "level=1&level=3"):
        outcome = run(query)
        assert titles(outcome) == ["Open Data Basics"], query
        assert outcome.total == 1
        assert counts(outcome, "level") == {"Introductory": 1, "Intermediate": 0, "Advanced": 0}
        assert counts(outcome, "price") == {"Free": 0, "Up to $50": 1, "More than $50": 0}
        assert counts(outcome, "competency") == {"Clean tabular data": 1}  # not the ledger skill
        assert counts(outcome, "partner") == {"Arizona State University": 1}
    assert run("q=confidential").total == 0
    assert run("q=ledger").total == 0
    assert run("level=3").total == 0


def test_the_search_page_names_it_nowhere(client, private_catalog):
    clean, ledger = private_catalog["competencies"]
    _, pilot = private_catalog["partners"]
    for query in ("q=data", "", "q=pilot", "q=invitation", f"competency={ledger.pk}", f"partner={pilot.pk}"):
        response = client.get(reverse("search") + "?" + query)
        assert response.status_code == 200
        assert_names_no_secret(response.content.decode())


def test_did_you_mean_and_popular_skills_know_nothing_of_it(client, private_catalog):
    clean, ledger = private_catalog["competencies"]
    assert did_you_mean("confidentail") is None  # a word only the private title has
    assert did_you_mean("opne") == "open"
    assert popular_competencies() == [clean]
    response = client.get(reverse("search"), {"q": "confidentail pilto"})
    assert response.context["corrected"] is None
    assert ledger.full_statement not in response.content.decode()


def test_autocomplete_offers_only_the_public_credential(client, private_catalog):
    for typed in ("conf", "confidential da", "pil", "data", "PIL-SEC"):
        data = client.get(reverse("search_autocomplete"), {"q": typed}).json()
        assert_names_no_secret(str(data))
    labels = [r["label"] for r in client.get(reverse("search_autocomplete"), {"q": "open"}).json()["results"]]
    assert labels == ["Open Data Basics"]


def test_skills_search_page_csv_and_api_leave_it_out(client, private_catalog):
    clean, ledger = private_catalog["competencies"]
    both = {"competency": [clean.pk, ledger.pk]}

    page = client.get(reverse("skills_search"), both)
    assert page.status_code == 200 and "Open Data Basics" in page.content.decode()
    assert_names_no_secret(page.content.decode())

    rows = list(csv.reader(io.StringIO(client.get(reverse("skills_search_csv"), both).content.decode())))
    assert [row[0] for row in rows[1:]] == ["Open Data Basics"]

    data = client.get(reverse("api_skills_search"), both).json()
    assert data["count"] == 1 and [r["title"] for r in data["results"]] == ["Open Data Basics"]
    assert data["pathways"] == []  # only the private credential certifies the ledger skill
    assert_names_no_secret(str(data))

    only_ledger = client.get(reverse("api_skills_search"), {"competency": ledger.pk}).json()
    assert (only_ledger["count"], only_ledger["results"], only_ledger["pathways"]) == (0, [], [])

    only_clean = client.get(reverse("api_skills_search"), {"competency": clean.pk}).json()
    assert [(p["title"], p["credentials"]) for p in only_clean["pathways"]] == [
        ("Data Pathway", ["Open Data Basics"])
    ]


@pytest.mark.parametrize("kind", ["password", "ancestor"])
def test_adding_or_lifting_a_restriction_changes_cached_answers_at_once(request, client, committed, kind):
    """Every search answer is cached until the catalog changes (search/sql/catalog_cache.py); a view
    restriction is such a change, both ways."""
    with committed():  # all of it committed, so that searches use the answer cache
        built = build_private_catalog(request.getfixturevalue("catalog"), kind)
        for restriction in built["restrictions"]:
            restriction.delete()
    assert not has_uncommitted_changes()
    clean, ledger = built["competencies"]

    def answers():
        api = client.get(reverse("api_skills_search"), {"competency": [clean.pk, ledger.pk]}).json()
        return (
            sorted(titles(run("q=data"))),
            run("").total,
            counts(run(""), "level")["Advanced"],
            [r["title"] for r in api["results"]],
            did_you_mean("confidentail"),
        )

    visible = (
        ["Confidential Data Pilot", "Open Data Basics"],
        2,
        1,
        ["Confidential Data Pilot", "Open Data Basics"],
        "confidential",
    )
    hidden = (["Open Data Basics"], 1, 0, ["Open Data Basics"], None)
    assert answers() == answers() == visible  # the second time from the cache

    from wagtail.models import PageViewRestriction

    with committed():
        target = built["partners"][1] if kind == "ancestor" else built["secret"]
        restriction = restrict(target, PageViewRestriction.PASSWORD)
    assert answers() == answers() == hidden

    with committed():
        restriction.delete()
    assert answers() == visible
