import time
from decimal import Decimal

import pytest
import requests

from devtools.localstripe_process import running_localstripe
from tests.builders import (
    make_credential,
    make_framework,
    make_partner,
    make_pathway,
    make_site,
    restrict,
)


@pytest.fixture
def site_tree(db):
    """(home, catalog): an empty catalog served as the default site."""
    return make_site()


@pytest.fixture
def catalog(site_tree):
    return site_tree[1]


@pytest.fixture
def partner(catalog):
    return make_partner(catalog, title="Arizona State University", brand_colour="#8C1D40")


@pytest.fixture
def framework(db):
    return make_framework(size=4)


@pytest.fixture
def small_catalog(catalog):
    """Four live credentials (and one draft) whose facet counts are easy to work out by hand."""
    asu = make_partner(catalog, title="Arizona State University")
    cccs = make_partner(catalog, title="Colorado Community College System", kind="college")
    employer = make_partner(catalog, title="Front Range Manufacturing Alliance", kind="employer")
    framework, _ = make_framework(size=0, title="Workforce Skills")
    from catalog.models import Competency

    clean = Competency.objects.create(
        framework=framework, human_coding_scheme="DA.1", full_statement="Clean tabular data"
    )
    dashboards = Competency.objects.create(
        framework=framework, human_coding_scheme="DA.3", full_statement="Build dashboards"
    )
    cnc = Competency.objects.create(
        framework=framework, human_coding_scheme="MF.5", full_statement="Operate a CNC machine"
    )
    credit = {
        "credit_eligible": True,
        "credit_hours": Decimal("3"),
        "credit_conversion_fee": Decimal("400"),
    }
    pages = {
        "cleaning": make_credential(
            asu,
            [clean],
            title="Data Cleaning",
            level=1,
            delivery_format="online_self_paced",
            price=Decimal("25"),
            notional_hours=40,
            credit_granting_institution=asu,
            **credit,
        ),
        "dashboards": make_credential(
            asu,
            [clean, dashboards],
            cobrands=[employer],
            title="Dashboards for Managers",
            level=2,
            delivery_format="online_cohort",
            price=Decimal("25"),
            notional_hours=45,
            credit_granting_institution=asu,
            **credit,
        ),
        "cnc": make_credential(
            cccs,
            [cnc],
            cobrands=[employer],
            title="CNC Operation",
            level=2,
            delivery_format="in_person",
            price=Decimal("120"),
            notional_hours=48,
        ),
        "library": make_credential(
            cccs,
            [dashboards],
            title="Library Basics",
            level=1,
            delivery_format="online_self_paced",
            price=Decimal("0"),
            notional_hours=3,
            duration_weeks=1,
        ),
    }
    make_credential(asu, [clean], title="Hidden Data Draft", live=False)
    return {"pages": pages, "competencies": (clean, dashboards, cnc), "partners": (asu, cccs, employer)}


# How a credential becomes private: a view restriction on its own page (password, logged-in users,
# groups), or one on a page above it (its partner's page).
PRIVACY_KINDS = ["password", "login", "groups", "ancestor"]


def build_private_catalog(catalog, kind):
    """A public credential and a private one that share a skill, each in listings everywhere.

    "Confidential Data Pilot" (Pilot Institute) is the private one, behind a view restriction of
    `kind`; it alone certifies "Reconcile a quantum ledger", is co-branded with ASU, featured on
    the home page, required by the public "Data Pathway", and a prerequisite of the public
    "Open Data Basics" (ASU). "Invitation-only Pathway" (Pilot Institute) is private the same way
    and stacks the public credential. Nothing public may name either private page.
    """
    from wagtail.models import PageViewRestriction

    from catalog.models import Competency
    from home.models import HomeFeaturedCredential

    home = catalog.get_parent().specific
    asu = make_partner(catalog, title="Arizona State University")
    pilot = make_partner(catalog, title="Pilot Institute")
    framework, _ = make_framework(size=0, title="Workforce Skills")
    clean = Competency.objects.create(
        framework=framework, human_coding_scheme="DA.1", full_statement="Clean tabular data"
    )
    ledger = Competency.objects.create(
        framework=framework, human_coding_scheme="QL.1", full_statement="Reconcile a quantum ledger"
    )
    secret = make_credential(
        pilot,
        [clean, ledger],
        cobrands=[asu],
        title="Confidential Data Pilot",
        short_code="PIL-SECRET-1",
        summary="A closed pilot of data skills.",
        level=3,
        price=Decimal("75"),
    )
    public = make_credential(
        asu,
        [clean],
        prerequisites=[secret],
        title="Open Data Basics",
        short_code="ASU-OPEN-1",
        level=1,
        price=Decimal("25"),
    )
    pathway = make_pathway(catalog, [(public, True), (secret, True)], title="Data Pathway")
    secret_pathway = make_pathway(pilot, [(public, True)], title="Invitation-only Pathway")
    for index, credential in enumerate([secret, public]):
        HomeFeaturedCredential.objects.create(page=home, microcredential=credential, sort_order=index)
    if kind == "ancestor":
        restrictions = [restrict(pilot, PageViewRestriction.LOGIN)]
    else:
        restrictions = [restrict(secret, kind), restrict(secret_pathway, kind)]
    return {
        "kind": kind,
        "public": public,
        "secret": secret,
        "pathway": pathway,
        "secret_pathway": secret_pathway,
        "partners": (asu, pilot),
        "competencies": (clean, ledger),
        "restrictions": restrictions,
    }


@pytest.fixture(params=PRIVACY_KINDS)
def private_catalog(request, catalog):
    return build_private_catalog(catalog, request.param)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with empty caches: Django's caches (search answers and vocabulary,
    renditions; the shared one's login and sign-up throttling) and the content-type cache, whose
    ids go stale when a live-server test flushes the database and the next test re-creates content
    types with other ids."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    ContentType.objects.clear_cache()
    yield


# --- localstripe: a real fake-Stripe process per test worker (tests/checkout, tests/browser) ---


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory):
    """A real localstripe process for this test worker, with its own store file."""
    with running_localstripe(tmp_path_factory.mktemp("localstripe") / "store.pickle") as url:
        yield url


@pytest.fixture
def stripe_settings(settings, localstripe):
    settings.STRIPE_API_BASE = localstripe
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_secret"
    return settings


@pytest.fixture
def register_stripe_webhook(stripe_settings, localstripe):
    """Have localstripe deliver its events to a URL (the live server's webhook), signed with our secret."""
    registered = []

    def register(url):
        # localstripe sends each event about a second after it happens, to the endpoints registered
        # by then: wait that second out, so payments from earlier tests in this worker are not
        # delivered to this test's server.
        if not registered:
            time.sleep(1.2)
        name = f"test{len(registered)}-{time.monotonic_ns()}"
        response = requests.post(
            f"{localstripe}/_config/webhooks/{name}",
            data={"url": url, "secret": stripe_settings.STRIPE_WEBHOOK_SECRET},
            timeout=5,
        )
        response.raise_for_status()
        registered.append(name)

    yield register
    # localstripe has no "unregister"; point leftovers at a closed port so later tests get no strays.
    for name in registered:
        requests.post(
            f"{localstripe}/_config/webhooks/{name}",
            data={"url": "http://127.0.0.1:9/", "secret": "x"},
            timeout=5,
        )
    if registered:
        # Let deliveries already on their way land now, while this test's database still exists;
        # one arriving after the database is flushed would write rows into the next test's.
        time.sleep(1.5)
