"""`__any` with a plain list and with `Ids` selects the same rows, on every database."""

import pytest

from catalog.models import MicrocredentialCompetency, MicrocredentialPage
from search.sql.lookups import Ids
from tests.builders import make_credential

pytestmark = pytest.mark.django_db


def test_ids_and_lists_select_the_same_rows(partner, framework):
    _, competencies = framework
    pages = [make_credential(partner, competencies[:2]), make_credential(partner, competencies[1:3])]
    wanted = [pages[1].pk, 999_999, pages[0].pk]
    by_list = set(MicrocredentialPage.objects.filter(pk__any=wanted).values_list("pk", flat=True))
    by_ids = set(MicrocredentialPage.objects.filter(pk__any=Ids(wanted)).values_list("pk", flat=True))
    assert by_list == by_ids == {pages[0].pk, pages[1].pk}
    links = MicrocredentialCompetency.objects.filter(
        page_id__any=Ids([pages[0].pk]), competency_id__any=[competencies[1].pk]
    )
    assert links.count() == 1
    assert not MicrocredentialPage.objects.filter(pk__any=Ids([])).exists()
    assert not MicrocredentialPage.objects.filter(pk__any=[]).exists()


def test_hidden_and_visible_pages_are_what_live_public_leaves_out_and_keeps(catalog, framework):
    """Restrictions of every kind, nested ones, and neighbours whose paths differ only in the
    last character ("…0009" restricted, "…000A" not) or share a restricted path as a prefix of
    their own (a sibling's children)."""
    from wagtail.models import Page, PageViewRestriction

    from partners.models import PartnerPage
    from search.sql.lookups import hidden_pages, restricted_sections, section_end, visible_pages
    from tests.builders import make_partner, restrict

    partners = [make_partner(catalog, title=f"Partner {index}") for index in range(11)]
    assert [p.path[-4:] for p in partners[8:11]] == ["0009", "000A", "000B"]
    for partner in partners[8:11]:
        make_credential(partner, framework[1][:1])
    draft = make_credential(partners[0], framework[1][:1], live=False)
    private = make_credential(partners[0], framework[1][:1])
    restrict(partners[8], PageViewRestriction.PASSWORD)
    restrict(partners[8].get_children().first(), PageViewRestriction.LOGIN)  # nested: one range
    restrict(private, PageViewRestriction.GROUPS)

    sections = restricted_sections()
    assert sections == sorted([partners[8].path, private.path])
    assert section_end("00010009") == "0001000:" and section_end("0001000Z") == "0001000["
    everything = set(Page.objects.values_list("pk", flat=True))
    public = set(Page.objects.live().public().values_list("pk", flat=True))
    hidden = set(Page.objects.filter(pk__in=hidden_pages()).values_list("pk", flat=True))
    assert hidden == everything - public
    assert {draft.pk, private.pk, partners[8].pk} <= hidden
    assert not {partners[9].pk, partners[10].pk} & hidden
    for model in (MicrocredentialPage, PartnerPage):
        visible = set(visible_pages(model, sections).values_list("pk", flat=True))
        assert visible == set(model.objects.live().public().values_list("pk", flat=True))
    assert (
        visible_pages(MicrocredentialPage, []).query.where == MicrocredentialPage.objects.live().query.where
    )
