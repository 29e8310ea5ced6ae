"""`manage.py update_index` shows its progress per model and leaves a working index."""

import io

import pytest
from django.core.management import call_command

from catalog.models import MicrocredentialPage
from tests.search.helpers import run, titles

pytestmark = pytest.mark.django_db


def test_update_index_counts_each_models_objects_as_it_goes(small_catalog):
    out = io.StringIO()
    call_command("update_index", chunk_size=2, stdout=out)
    lines = out.getvalue().splitlines()
    total = MicrocredentialPage.get_indexed_objects().count()
    assert total == 5  # four live credentials and a draft: the database backend indexes drafts too
    start = [line.rstrip() for line in lines].index("default: catalog.MicrocredentialPage")
    assert lines[start + 1 : start + 4] == ["    2 of 5 (40%)", "    4 of 5 (80%)", "    5 of 5 (100%)"]
    assert "    nothing to index" in lines  # no documents in this catalog
    finished = [int(line.split()[0].replace(",", "")) for line in lines if line.endswith("(100%)")]
    assert lines[-1] == f"default: indexed {sum(finished)} objects"
    assert titles(run("q=dashboards")) == ["Dashboards for Managers", "Library Basics"]
