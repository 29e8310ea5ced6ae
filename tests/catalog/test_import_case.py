"""The CASE 1.0 importer (catalog/case_import.py) and `manage.py import_case`.

The shipped fixture is the demo framework, so its exact content is asserted here. Variants are
built as small dicts from `make_package()`; every refused package must name the bad element
and leave the database exactly as it was.
"""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from catalog.case_import import CaseImportError, ImportSummary, import_case_package, load_case_file
from catalog.models import Competency, CompetencyFramework
from tests.builders import DOC, KID1, KID2, ROOT, association, make_package

pytestmark = pytest.mark.usefixtures("db")

FIXTURE = Path(settings.BASE_DIR) / "catalog/fixtures/case/workforce-skills.json"
FIXTURE_DOC = "9b2f4c1e-6f0a-4d7e-8a3b-2c5d7e9f1a00"

DOMAINS = {
    "DA": "Data analytics",
    "PM": "Project management",
    "IT": "IT support and security",
    "MF": "Advanced manufacturing",
    "IL": "Information literacy",
    "HC": "Healthcare support",
}
COMPETENCIES = {
    "DA.1": "Clean and prepare tabular data for analysis",
    "DA.2": "Summarise data with descriptive statistics",
    "DA.3": "Build charts and dashboards that answer a business question",
    "DA.4": "Communicate data findings to non-specialist audiences",
    "PM.1": "Define project scope, deliverables and success criteria",
    "PM.2": "Build a project schedule and track progress against it",
    "PM.3": "Identify, assess and manage project risks",
    "PM.4": "Lead stakeholder communication throughout a project",
    "IT.1": "Troubleshoot common hardware and operating-system problems",
    "IT.2": "Configure and secure a small-office network",
    "IT.3": "Apply everyday cybersecurity hygiene",
    "IT.4": "Recognise and respond to phishing and social engineering",
    "MF.1": "Follow workplace safety procedures on a manufacturing floor",
    "MF.2": "Apply quality-control checks to manufactured parts",
    "MF.3": "Measure parts with precision instruments",
    "MF.4": "Read and interpret technical drawings",
    "MF.5": "Set up and operate a CNC machine",
    "IL.1": "Find and request library materials",
    "IL.2": "Cite sources and uphold academic integrity",
    "IL.3": "Evaluate the credibility of sources",
    "IL.4": "Synthesise sources into a well-supported argument",
    "HC.1": "Measure and record vital signs accurately",
    "HC.2": "Communicate with patients with empathy and clarity",
    "HC.3": "Follow infection-prevention procedures",
}

ELSEWHERE = "d6e5f4a3-0000-4000-8000-0000000000ee"  # in no package


def counts():
    return CompetencyFramework.objects.count(), Competency.objects.count()


def by_code(code):
    return Competency.objects.get(human_coding_scheme=code)


def import_fixture():
    return import_case_package(load_case_file(FIXTURE))


# --- The shipped fixture ---------------------------------------------------------------------


def test_fixture_imports_the_framework():
    summary = import_fixture()
    framework = CompetencyFramework.objects.get()
    assert summary.framework == framework and summary.framework_created
    assert (framework.title, framework.publisher, framework.version) == (
        "Workforce Skills Framework",
        "Microcredential Catalog Demo",
        "2026.1",
    )
    assert framework.case_identifier == FIXTURE_DOC
    assert framework.case_uri == f"https://case.example.org/uri/{FIXTURE_DOC}"
    assert framework.description
    assert (summary.created, summary.updated, summary.unchanged, summary.not_in_package) == (30, 0, 0, 0)
    assert str(summary) == (
        "Workforce Skills Framework: framework created; competencies 30 created, 0 updated, 0 unchanged"
    )


def test_fixture_hierarchy_types_and_statements():
    import_fixture()
    stored = {c.human_coding_scheme: c for c in Competency.objects.select_related("parent")}
    assert set(stored) == set(DOMAINS) | set(COMPETENCIES)
    for code, title in DOMAINS.items():
        domain = stored[code]
        assert (domain.full_statement, domain.competency_type, domain.parent) == (title, "Domain", None)
    for code, statement in COMPETENCIES.items():
        competency = stored[code]
        assert competency.full_statement == statement
        assert competency.competency_type == "Competency"
        assert competency.parent.human_coding_scheme == code.split(".")[0]
        assert competency.case_uri == f"https://case.example.org/uri/{competency.case_identifier}"
    assert stored["MF.5"].parent == stored["MF"]
    # sequenceNumber orders siblings; the isRelatedTo/precedes associations add no parents.
    assert [c.human_coding_scheme for c in stored["MF"].children.order_by("sort_order")] == [
        "MF.1",
        "MF.2",
        "MF.3",
        "MF.4",
        "MF.5",
    ]
    assert [d.human_coding_scheme for d in Competency.objects.filter(parent=None)] == list(DOMAINS)


def test_fixture_reimport_is_idempotent():
    import_fixture()
    pks = set(Competency.objects.values_list("pk", flat=True))
    second = import_fixture()
    assert counts() == (1, 30)
    assert set(Competency.objects.values_list("pk", flat=True)) == pks
    assert (second.created, second.updated, second.unchanged) == (0, 0, 30)
    assert not second.framework_created and not second.framework_updated
    assert "framework unchanged; competencies 0 created, 0 updated, 30 unchanged" in str(second)


def test_command_imports_and_reimports_the_fixture():
    first, second = StringIO(), StringIO()
    call_command("import_case", str(FIXTURE), stdout=first)
    call_command("import_case", str(FIXTURE), stdout=second)
    assert "30 created" in first.getvalue() and str(FIXTURE) in first.getvalue()
    assert "0 created, 0 updated, 30 unchanged" in second.getvalue()
    assert counts() == (1, 30)


# --- Re-import updates -----------------------------------------------------------------------


def test_changed_statement_updates_the_row_in_place():
    import_case_package(make_package())
    before = Competency.objects.get(case_identifier=KID1).pk
    changed = make_package()
    changed["CFItems"][1]["fullStatement"] = "Measure and record vital signs"
    changed["CFDocument"]["version"] = "1.1"
    summary = import_case_package(changed)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 2)
    assert summary.framework_updated and CompetencyFramework.objects.get().version == "1.1"
    kid = Competency.objects.get(case_identifier=KID1)
    assert (kid.pk, kid.full_statement) == (before, "Measure and record vital signs")
    assert counts() == (1, 3)


def test_moving_an_item_to_the_top_level_counts_as_an_update():
    import_case_package(make_package())
    moved = make_package()
    moved["CFAssociations"][2] = association("isChildOf", KID2, DOC)
    summary = import_case_package(moved)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 2)
    assert Competency.objects.get(case_identifier=KID2).parent is None


def test_statement_and_parent_changed_together_count_as_one_update():
    import_case_package(make_package())
    changed = make_package()
    changed["CFItems"][2]["fullStatement"] = "Prevent and control infection"
    changed["CFAssociations"][2] = association("isChildOf", KID2, DOC)
    summary = import_case_package(changed)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 2)
    kid = Competency.objects.get(case_identifier=KID2)
    assert (kid.full_statement, kid.parent) == ("Prevent and control infection", None)
    assert counts() == (1, 3)


def test_items_missing_from_a_new_version_are_kept_and_counted():
    import_case_package(make_package())
    smaller = make_package()
    del smaller["CFItems"][2], smaller["CFAssociations"][2]
    summary = import_case_package(smaller)
    assert summary.not_in_package == 1 and "1 already stored but not in this package (kept)" in str(summary)
    assert Competency.objects.filter(case_identifier=KID2).exists()


# --- Refused packages: named element, nothing written -----------------------------------------


def mutated(change):
    """make_package() with `change(data)` applied, as a zero-argument builder for BAD."""

    def build():
        data = make_package()
        change(data)
        return data

    return build


def set_item(data, **fields):
    data["CFItems"][1].update(fields)


BAD = {
    "top level not an object": (
        lambda: [make_package()],
        "the top level of a CASE package must be a JSON object",
    ),
    "CFPackage not an object": (lambda: {"CFPackage": "x"}, "CFPackage must be an object"),
    "no CFDocument": (mutated(lambda d: d.pop("CFDocument")), "the package has no CFDocument"),
    "CFDocument not an object": (
        mutated(lambda d: d.update(CFDocument=["x"])),
        "CFDocument must be an object",
    ),
    "CFDocument without identifier": (
        mutated(lambda d: d["CFDocument"].pop("identifier")),
        "CFDocument has no identifier",
    ),
    "CFDocument without title": (
        mutated(lambda d: d["CFDocument"].update(title="  ")),
        "CFDocument has no title",
    ),
    "CFItems not a list": (mutated(lambda d: d.update(CFItems={"a": 1})), "CFItems must be a list"),
    "item not an object": (mutated(lambda d: d["CFItems"].append("x")), "CFItems[3] is not an object"),
    "item without identifier": (
        mutated(lambda d: d["CFItems"][2].pop("identifier")),
        "CFItems[2] has no identifier",
    ),
    "item without fullStatement": (
        mutated(lambda d: d["CFItems"][1].pop("fullStatement")),
        f"CFItems[1] ({KID1}) has no fullStatement",
    ),
    "item with a non-string field": (
        mutated(lambda d: set_item(d, humanCodingScheme=7)),
        "CFItems[1].humanCodingScheme must be a string",
    ),
    "item uri too long": (
        mutated(lambda d: set_item(d, uri="https://x.org/" + "a" * 500)),
        "CFItems[1].uri is longer than 500 characters",
    ),
    "duplicate item identifier (other letter case)": (
        mutated(lambda d: d["CFItems"][2].update(identifier=KID1.upper())),
        f"CFItems[2]: identifier {KID1} appears twice in the package",
    ),
    "association without associationType": (
        mutated(lambda d: d["CFAssociations"][1].pop("associationType")),
        "CFAssociations[1] has no associationType",
    ),
    "association without originNodeURI": (
        mutated(lambda d: d["CFAssociations"][0].pop("originNodeURI")),
        "CFAssociations[0] (isChildOf) has no originNodeURI",
    ),
    "association without origin identifier": (
        mutated(lambda d: d["CFAssociations"][1]["originNodeURI"].pop("identifier")),
        "CFAssociations[1] (isChildOf) originNodeURI has no identifier",
    ),
    "association without destinationNodeURI": (
        mutated(lambda d: d["CFAssociations"][2].pop("destinationNodeURI")),
        "CFAssociations[2] (isChildOf) has no destinationNodeURI",
    ),
    "isChildOf parent not in package": (
        mutated(lambda d: d["CFAssociations"].append(association("isChildOf", KID2, ELSEWHERE))),
        f"CFAssociations[3] (isChildOf): parent {ELSEWHERE} is not in the package",
    ),
    "isChildOf child not in package": (
        mutated(lambda d: d["CFAssociations"].append(association("isChildOf", ELSEWHERE, ROOT))),
        f"CFAssociations[3] (isChildOf): child {ELSEWHERE} is not an item in the package",
    ),
    "isChildOf cycle": (
        mutated(
            lambda d: d.update(
                CFAssociations=[
                    association("isChildOf", ROOT, KID2),
                    association("isChildOf", KID1, ROOT),
                    association("isChildOf", KID2, KID1),
                ]
            )
        ),
        "isChildOf associations form a cycle through item",
    ),
    "item is its own parent": (
        mutated(lambda d: d["CFAssociations"].append(association("isChildOf", ROOT, ROOT))),
        f"cycle through item {ROOT}",
    ),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_package_is_refused_naming_the_element(case):
    build, message = BAD[case]
    with pytest.raises(CaseImportError) as caught:
        import_case_package(build())
    assert message in str(caught.value)
    assert counts() == (0, 0)


def test_bad_reimport_leaves_the_stored_framework_untouched():
    import_case_package(make_package())
    data = make_package()
    data["CFDocument"]["title"] = "Renamed"
    data["CFItems"][1]["fullStatement"] = "Changed"
    data["CFItems"].append({"identifier": ELSEWHERE, "fullStatement": "New"})
    data["CFAssociations"].append(association("isChildOf", KID2, KID2))
    with pytest.raises(CaseImportError, match="cycle"):
        import_case_package(data)
    assert CompetencyFramework.objects.get().title == "Care Skills"
    assert Competency.objects.get(case_identifier=KID1).full_statement == "Take vital signs"
    assert counts() == (1, 3)


def test_identifier_of_another_frameworks_item_is_refused():
    import_case_package(make_package())
    other_doc = "0c4f7a52-1b7e-4d0e-9f3a-6a2b8c1d0eff"
    other = make_package()
    other["CFDocument"].update(identifier=other_doc, title="Other")
    other["CFItems"] = [{"identifier": KID1.upper(), "fullStatement": "Borrowed"}]
    other["CFAssociations"] = [association("isChildOf", KID1, other_doc)]
    with pytest.raises(CaseImportError) as caught:
        import_case_package(other)
    assert str(caught.value) == (
        f"item {KID1} already belongs to the framework “Care Skills”; an item cannot move between frameworks"
    )
    assert counts() == (1, 3)
    assert Competency.objects.get(case_identifier=KID1).full_statement == "Take vital signs"


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "not valid JSON (line 1, column 2"),
        ("", "not valid JSON (line 1, column 1"),
        ("[1, 2]", "the top level of a CASE package must be a JSON object"),
        ('"CFDocument"', "the top level of a CASE package must be a JSON object"),
        (json.dumps({"CFItems": []}), "the package has no CFDocument"),
    ],
)
def test_command_exits_non_zero_naming_file_and_problem(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("import_case", str(path), stdout=StringIO())
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)
    assert str(caught.value).endswith(". Nothing was imported from this file.")
    assert counts() == (0, 0)


def test_command_reports_unreadable_file(tmp_path):
    with pytest.raises(CommandError, match="missing.json: cannot read the file"):
        call_command("import_case", str(tmp_path / "missing.json"))
    (tmp_path / "latin1.json").write_bytes(b'{"a": "caf\xe9"}')
    with pytest.raises(CaseImportError, match="not UTF-8"):
        load_case_file(tmp_path / "latin1.json")


def test_command_imports_each_file_in_its_own_transaction(tmp_path):
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(make_package()))
    bad.write_text(json.dumps(mutated(lambda d: d["CFItems"][0].pop("fullStatement"))()))
    with pytest.raises(CommandError, match=r"bad\.json: CFItems\[0\]"):
        call_command("import_case", str(good), str(bad), stdout=StringIO())
    assert counts() == (1, 3)  # the good file stays imported


# --- Accepted publisher variations ------------------------------------------------------------


def upper_cased(data):
    data["CFDocument"]["identifier"] = data["CFDocument"]["identifier"].upper()
    for item in data["CFItems"]:
        item["identifier"] = f"  {item['identifier'].upper()} "
    for assoc in data["CFAssociations"]:
        for end in ("originNodeURI", "destinationNodeURI"):
            assoc[end]["identifier"] = assoc[end]["identifier"].upper()
    return data


def test_upper_case_identifiers_are_stored_lower_case_and_match_on_reimport():
    import_case_package(upper_cased(make_package()))
    assert CompetencyFramework.objects.get().case_identifier == DOC
    kid = Competency.objects.get(case_identifier=KID1)
    assert kid.parent.case_identifier == ROOT
    changed = make_package()
    changed["CFItems"][1]["fullStatement"] = "Take and record vital signs"
    summary = import_case_package(changed)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 2)
    assert counts() == (1, 3)
    assert Competency.objects.get(pk=kid.pk).full_statement == "Take and record vital signs"


def test_cfpackage_wrapper():
    summary = import_case_package({"CFPackage": make_package()})
    assert summary.created == 3 and summary.framework.title == "Care Skills"


def test_missing_optional_fields_and_nulls():
    data = make_package()
    data["CFDocument"] = {"identifier": DOC, "title": "Care Skills", "version": None, "description": None}
    data["CFItems"][1] = {
        "identifier": KID1,
        "fullStatement": "Take vital signs",
        "uri": None,
        "humanCodingScheme": None,
        "abbreviatedStatement": None,
        "CFItemType": None,
        "CFItemTypeURI": None,
        "listEnumeration": None,
    }
    data["CFAssociations"][1].pop("sequenceNumber")
    data.pop("CFDefinitions", None)
    import_case_package(data)
    framework = CompetencyFramework.objects.get()
    assert (framework.publisher, framework.version, framework.description, framework.case_uri) == ("",) * 4
    kid = Competency.objects.get(case_identifier=KID1)
    stored = (kid.case_uri, kid.human_coding_scheme, kid.abbreviated_statement, kid.competency_type)
    assert stored == ("",) * 4
    assert kid.sort_order == 1  # package order when no listEnumeration/sequenceNumber


def test_document_without_items_or_associations():
    summary = import_case_package({"CFDocument": {"identifier": DOC, "title": "Empty", "publisher": "P"}})
    assert summary.created == 0 and CompetencyFramework.objects.get().publisher == "P"


def test_publisher_is_preferred_over_creator():
    data = make_package()
    data["CFDocument"]["publisher"] = "Publishing House"
    assert import_case_package(data).framework.publisher == "Publishing House"


def test_item_type_from_cfitemtypeuri_title_or_cfdefinitions():
    type_id = "7e1d2c3b-0000-4000-8000-00000000a001"
    data = make_package()
    data["CFItems"][0].pop("CFItemType")
    data["CFItems"][0]["CFItemTypeURI"] = {"identifier": "x", "uri": "https://x.org/t", "title": "Strand"}
    data["CFItems"][1]["CFItemTypeURI"] = {"identifier": type_id.upper(), "uri": "https://x.org/t"}
    data["CFDefinitions"] = {
        "CFItemTypes": [{"identifier": type_id, "title": "Learning Outcome", "hierarchyCode": "2"}],
        "CFSubjects": [],
    }
    import_case_package(data)
    assert Competency.objects.get(case_identifier=ROOT).competency_type == "Strand"
    assert Competency.objects.get(case_identifier=KID1).competency_type == "Learning Outcome"
    assert Competency.objects.get(case_identifier=KID2).competency_type == ""


def test_other_association_types_may_point_outside_the_package():
    data = make_package()
    data["CFAssociations"] += [
        association("isRelatedTo", KID1, ELSEWHERE),
        association("precedes", ELSEWHERE, KID2),
        association("exactMatchOf", KID2, ELSEWHERE),
        association("replacedBy", ELSEWHERE, ELSEWHERE),
    ]
    summary = import_case_package(data)
    assert summary.created == 3 and counts() == (1, 3)
    assert Competency.objects.get(case_identifier=KID1).parent.case_identifier == ROOT


def test_association_type_letter_case():
    data = make_package()
    data["CFAssociations"][1]["associationType"] = "IsChildOf"
    data["CFAssociations"][2]["associationType"] = "ISCHILDOF"
    import_case_package(data)
    children = Competency.objects.get(case_identifier=ROOT).children.values_list("case_identifier", flat=True)
    assert set(children) == {KID1, KID2}


def test_sequence_number_overrides_list_enumeration_and_package_order():
    data = make_package()
    data["CFItems"][1]["listEnumeration"] = "1"
    data["CFItems"][2]["listEnumeration"] = "2"
    data["CFAssociations"][1]["sequenceNumber"] = 9
    data["CFAssociations"][2]["sequenceNumber"] = 3
    import_case_package(data)
    children = Competency.objects.get(case_identifier=ROOT).children.order_by("sort_order")
    assert [c.human_coding_scheme for c in children] == ["PC.2", "PC.1"]


def test_second_parent_is_ignored_with_a_note():
    data = make_package()
    data["CFAssociations"].append(association("isChildOf", KID2, KID1))
    summary = import_case_package(data)
    assert Competency.objects.get(case_identifier=KID2).parent.case_identifier == ROOT
    assert summary.notes == [
        f"CFAssociations[3] (isChildOf): item {KID2} already has a parent; this second parent is ignored"
    ]


def test_summary_is_a_dataclass_with_counts():
    summary = import_case_package(make_package())
    assert isinstance(summary, ImportSummary)
    assert (summary.created, summary.updated, summary.unchanged, summary.not_in_package) == (3, 0, 0, 0)


def test_imported_competencies_are_searchable_after_commit(django_capture_on_commit_callbacks):
    from wagtail.search.backends import get_search_backend

    from search.sql.catalog_cache import current_version

    version = current_version()
    with django_capture_on_commit_callbacks(execute=True):
        import_case_package(make_package())
        # Bulk writes skip Wagtail's signals: the importer reindexes once committed, and makes
        # cached search answers stale once committed (catalog/signals.py), not before.
        assert list(get_search_backend().search("vital", Competency)) == []
        assert current_version() == version
    results = get_search_backend().search("vital", Competency)
    assert [c.case_identifier for c in results] == [KID1]
    assert current_version() != version
