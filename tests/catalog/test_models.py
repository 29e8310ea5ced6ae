from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page

from catalog.models import (
    CatalogIndexPage,
    Competency,
    MicrocredentialPage,
    PathwayPage,
    find_prerequisite_problem,
)
from checkout.services import price_lines
from home.models import HomePage
from partners.models import PartnerPage
from tests.builders import credential_fields, make_credential, make_partner, make_pathway

pytestmark = pytest.mark.django_db


def validation_errors(page):
    with pytest.raises(ValidationError) as caught:
        page.full_clean()
    return caught.value.message_dict


class TestMicrocredentialValidation:
    def test_a_consistent_credit_bearing_credential_is_valid(self, partner):
        page = MicrocredentialPage(
            **credential_fields(
                slug="ok",
                credit_eligible=True,
                credit_hours=Decimal("3.0"),
                credit_conversion_fee=Decimal("400.00"),
                credit_granting_institution=partner,
            )
        )
        page.full_clean(exclude=["path", "depth"])  # tree fields are set by add_child

    def test_credit_fields_are_required_when_credit_eligible(self, db):
        page = MicrocredentialPage(**credential_fields(slug="x", credit_eligible=True))
        errors = validation_errors(page)
        assert {"credit_hours", "credit_conversion_fee", "credit_granting_institution"} <= errors.keys()
        assert "credit hours" in errors["credit_hours"][0]

    def test_credit_fields_must_be_empty_without_credit(self, partner):
        page = MicrocredentialPage(
            **credential_fields(slug="x", credit_hours=Decimal("3"), credit_granting_institution=partner)
        )
        errors = validation_errors(page)
        assert "credit eligible" in errors["credit_hours"][0]
        assert "credit_granting_institution" in errors

    @pytest.mark.parametrize("field", ["price", "credit_conversion_fee"])
    def test_money_cannot_be_negative(self, partner, field):
        fields = credential_fields(
            slug="x",
            credit_eligible=True,
            credit_hours=Decimal("3"),
            credit_conversion_fee=Decimal("400"),
            credit_granting_institution=partner,
        )
        fields[field] = Decimal("-1.00")
        assert field in validation_errors(MicrocredentialPage(**fields))

    def test_hours_and_weeks_must_be_positive_and_plausible(self, db):
        errors = validation_errors(
            MicrocredentialPage(**credential_fields(slug="x", notional_hours=0, duration_weeks=0))
        )
        assert {"notional_hours", "duration_weeks"} <= errors.keys()
        errors = validation_errors(
            MicrocredentialPage(**credential_fields(slug="x", notional_hours=500, duration_weeks=1))
        )
        assert "80 hours a week" in errors["notional_hours"][0]

    @pytest.mark.parametrize("code", ["asu-101", "ASU 101", "ASU--101", "-ASU", ""])
    def test_short_code_format(self, db, code):
        assert "short_code" in validation_errors(
            MicrocredentialPage(**credential_fields(slug="x", short_code=code))
        )

    def test_short_code_is_unique(self, partner):
        make_credential(partner, short_code="ASU-PM-101")
        duplicate = MicrocredentialPage(**credential_fields(slug="y", short_code="ASU-PM-101"))
        assert "short_code" in validation_errors(duplicate)

    def test_price_derivations(self, partner):
        free = MicrocredentialPage(**credential_fields(price=Decimal("0")))
        assert free.is_free and not free.sells_credit
        assert [line.amount for line in price_lines(free)] == [Decimal("0")]
        paid = MicrocredentialPage(
            **credential_fields(
                price=Decimal("25.00"), credit_eligible=True, credit_conversion_fee=Decimal("400.00")
            )
        )
        assert not paid.is_free and paid.sells_credit
        # What checkout charges for the credential with credit: the price plus the conversion fee.
        lines = price_lines(paid, include_credit=True)
        assert sum(line.amount for line in lines) == Decimal("425.00")


class TestPrerequisites:
    def test_a_credential_cannot_require_itself(self, partner):
        page = make_credential(partner)
        assert "own prerequisite" in find_prerequisite_problem(page, [page.pk])

    def test_a_cycle_through_other_credentials_is_rejected(self, partner):
        first = make_credential(partner)
        second = make_credential(partner, prerequisites=[first])
        third = make_credential(partner, prerequisites=[second])
        # first → third would close first ← second ← third ← first.
        assert "cycle" in find_prerequisite_problem(first, [third.pk])
        assert find_prerequisite_problem(third, [first.pk, second.pk]) is None

    def test_duplicates_are_rejected(self, partner):
        first, second = make_credential(partner), make_credential(partner)
        assert "only once" in find_prerequisite_problem(second, [first.pk, first.pk])


class TestPathwayTotals:
    def test_totals_are_computed_from_required_steps_and_cheapest_electives(self, partner):
        credit = dict(
            credit_eligible=True,
            credit_hours=Decimal("3.0"),
            credit_conversion_fee=Decimal("400.00"),
            credit_granting_institution=partner,
        )
        required = make_credential(partner, notional_hours=40, price=Decimal("25.00"), **credit)
        cheap = make_credential(partner, notional_hours=10, price=Decimal("0.00"))
        dear = make_credential(partner, notional_hours=60, price=Decimal("95.50"), **credit)
        pathway = make_pathway(
            partner, [(required, True), (cheap, False), (dear, False)], electives_required=1
        )

        totals = pathway.get_totals()
        assert totals.hours == 50
        assert totals.price == Decimal("25.00")
        assert totals.credit_hours == Decimal("3.0")  # the credit-free elective adds none
        assert totals.credential_count == 2

        pathway.electives_required = 2
        totals = pathway.get_totals()
        assert (totals.hours, totals.price, totals.credit_hours) == (110, Decimal("120.50"), Decimal("6.0"))


class TestCompetency:
    def test_parent_cycle_is_rejected(self, framework):
        _, (a, b, *_rest) = framework
        b.parent = a
        b.save()
        a.parent = b
        with pytest.raises(ValidationError, match="own ancestor"):
            a.full_clean()

    def test_case_identifier_is_stored_lower_case(self, framework):
        fw, (a, *_rest) = framework
        a.case_identifier = "  ABCDEF-0123  "
        a.save()
        assert Competency.objects.get(pk=a.pk).case_identifier == "abcdef-0123"


class TestPageTreeRules:
    """Editors can only create pages where they belong (parent_page_types/subpage_types)."""

    def test_allowed_parents(self):
        assert set(HomePage.allowed_parent_page_models()) == {Page}
        assert set(CatalogIndexPage.allowed_parent_page_models()) == {HomePage}
        assert set(PartnerPage.allowed_parent_page_models()) == {CatalogIndexPage}
        assert set(MicrocredentialPage.allowed_parent_page_models()) == {PartnerPage}
        assert set(PathwayPage.allowed_parent_page_models()) == {CatalogIndexPage, PartnerPage}

    def test_can_create_at(self, site_tree, partner):
        home, catalog = site_tree
        assert MicrocredentialPage.can_create_at(partner)
        assert not MicrocredentialPage.can_create_at(catalog)
        assert not MicrocredentialPage.can_create_at(home)
        assert PartnerPage.can_create_at(catalog) and not PartnerPage.can_create_at(home)
        # Only one home page and one catalog.
        assert not CatalogIndexPage.can_create_at(home)
        assert MicrocredentialPage.allowed_subpage_models() == []


class TestProvider:
    """A credential's provider is the partner above it in the tree, and follows page moves."""

    def test_provider_is_set_from_the_parent_and_follows_a_move(self, catalog, partner, framework):
        page = make_credential(partner, competencies=framework[1][:1])
        assert page.provider_id == partner.pk
        other = make_partner(catalog, title="SUNY Empire State University")
        page.move(other, pos="last-child")
        page.refresh_from_db()
        assert page.provider_id == other.pk
        assert page.get_provider() == other
