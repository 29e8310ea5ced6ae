"""Catalogs shared by the search tests."""

from decimal import Decimal

import pytest

from tests.builders import make_credential, make_framework, make_partner


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


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what would run on commit (index tasks, catalog version bumps)
    at the end of the block, as if it were its own committed transaction."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def cached_catalog(db, request, committed):
    """small_catalog, built as committed changes, so searches use the answer cache."""
    with committed():
        return request.getfixturevalue("small_catalog")
