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
