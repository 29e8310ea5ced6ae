"""Importing IMS/1EdTech CASE 1.0 packages: happy path, idempotency, publisher variations, and
bad input that is refused with a message naming the element and writes nothing."""

import copy
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from catalog.case_import import CaseImportError, import_case_package, load_case_file
from catalog.models import Competency, CompetencyFramework

pytestmark = pytest.mark.django_db

FIXTURE = Path(settings.BASE_DIR) / "catalog/fixtures/case/workforce-skills.json"
DOC = "5d1a2f0e-0000-4000-8000-000000000001"
A, B, C = (f"5d1a2f0e-0000-4000-8000-00000000000{n}" for n in (2, 3, 4))


def node(identifier):
    return {"identifier": identifier, "uri": f"https://case.example.org/uri/{identifier}", "title": identifier}


def child_of(child, parent, kind="isChildOf", **extra):
    return {
        "identifier": f"assoc-{child}-{parent}-{kind}",
        "associationType": kind,
        "originNodeURI": node(child),
        "destinationNodeURI": node(parent),
        **extra,
    }


def package():
    """A minimal valid package: a domain A with two children B and C."""
    return {
        "CFDocument": {"identifier": DOC, "title": "Nursing Skills", "creator": "State Board", "version": "1.0"},
        "CFItems": [
            {"identifier": A, "fullStatement": "Patient care", "humanCodingScheme": "PC", "CFItemType": "Domain"},
            {"identifier": B, "fullStatement": "Take vital signs", "humanCodingScheme": "PC.1"},
            {"identifier": C, "fullStatement": "Prevent infection", "humanCodingScheme": "PC.2"},
        ],
        "CFAssociations": [child_of(A, DOC), child_of(B, A, sequenceNumber=2), child_of(C, A, sequenceNumber=1)],
    }


def stored():
    return CompetencyFramework.objects.count(), Competency.objects.count()


class TestShippedFixture:
    def test_imports_framework_hierarchy_and_types(self):
        summary = import_case_package(load_case_file(FIXTURE))
        framework = summary.framework
        assert (framework.title, framework.publisher, framework.version) == (
            "Workforce Skills Framework",
            "Microcredential Catalog Demo",
            "2026.1",
        )
        assert summary.created == 30 and framework.competencies.count() == 30
        cnc = Competency.objects.get(human_coding_scheme="MF.5")
        assert cnc.parent.human_coding_scheme == "MF"
        assert cnc.full_statement == "Set up and operate a CNC machine"
        assert cnc.competency_type == "Competency"
        domains = Competency.objects.filter(competency_type="Domain")
        assert domains.count() == 6 and not domains.exclude(parent=None).exists()

    def test_reimport_is_idempotent(self):
        import_case_package(load_case_file(FIXTURE))
        before = stored()
        second = import_case_package(load_case_file(FIXTURE))
        assert stored() == before
        assert (second.created, second.updated, second.unchanged) == (0, 0, 30)

    def test_command_prints_a_summary(self, capsys):
        call_command("import_case", str(FIXTURE))
        assert "30 created" in capsys.readouterr().out


class TestUpdates:
    def test_changed_statement_and_parent_update_in_place(self):
        import_case_package(package())
        changed = package()
        changed["CFItems"][1]["fullStatement"] = "Measure and record vital signs"
        changed["CFAssociations"][1] = child_of(B, DOC)  # B moves to the top level
        summary = import_case_package(changed)
        assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 2)
        b = Competency.objects.get(case_identifier=B)
        assert b.full_statement == "Measure and record vital signs" and b.parent is None
        assert stored() == (1, 3)

    def test_sequence_numbers_order_siblings(self):
        import_case_package(package())
        children = Competency.objects.get(case_identifier=A).children.order_by("sort_order")
        assert [c.human_coding_scheme for c in children] == ["PC.2", "PC.1"]

    def test_items_dropped_from_a_new_version_are_kept_and_reported(self):
        import_case_package(package())
        smaller = package()
        smaller["CFItems"].pop()
        smaller["CFAssociations"].pop()
        summary = import_case_package(smaller)
        assert summary.not_in_package == 1 and "kept" in str(summary)
        assert Competency.objects.filter(case_identifier=C).exists()


class TestAcceptedVariations:
    def test_upper_case_identifiers_then_lower_case_update_the_same_rows(self):
        upper = package()
        for item in upper["CFItems"]:
            item["identifier"] = item["identifier"].upper()
        upper["CFDocument"]["identifier"] = DOC.upper()
        for association in upper["CFAssociations"]:
            association["originNodeURI"]["identifier"] = association["originNodeURI"]["identifier"].upper()
            association["destinationNodeURI"]["identifier"] = association["destinationNodeURI"]["identifier"].upper()
        import_case_package(upper)
        assert Competency.objects.get(case_identifier=B).parent.case_identifier == A
        summary = import_case_package(package())
        assert summary.created == 0 and stored() == (1, 3)

    def test_cfpackage_wrapper_and_missing_optional_fields(self):
        data = package()
        data["CFDocument"].pop("version")
        data["CFItems"][1].update({"humanCodingScheme": None, "abbreviatedStatement": None, "CFItemType": None})
        summary = import_case_package({"CFPackage": data})
        b = Competency.objects.get(case_identifier=B)
        assert (b.human_coding_scheme, b.abbreviated_statement, b.competency_type) == ("", "", "")
        assert summary.framework.version == ""

    def test_item_type_from_cfitemtypeuri_and_definitions(self):
        data = package()
        type_id = "aaaaaaaa-0000-4000-8000-000000000009"
        data["CFItems"][1].pop("CFItemType", None)
        data["CFItems"][1]["CFItemTypeURI"] = {"identifier": type_id.upper(), "uri": "https://x/t"}
        data["CFItems"][2]["CFItemTypeURI"] = {"identifier": "other", "title": "Skill"}
        data["CFDefinitions"] = {"CFItemTypes": [{"identifier": type_id, "title": "Learning Outcome"}]}
        import_case_package(data)
        assert Competency.objects.get(case_identifier=B).competency_type == "Learning Outcome"
        assert Competency.objects.get(case_identifier=C).competency_type == "Skill"

    def test_other_association_types_may_point_outside_the_package(self):
        data = package()
        outside = "ffffffff-0000-4000-8000-00000000000f"
        data["CFAssociations"] += [
            child_of(B, outside, kind="isRelatedTo"),
            child_of(outside, C, kind="precedes"),
            child_of(B, outside, kind="exactMatchOf"),
        ]
        import_case_package(data)
        assert stored() == (1, 3)

    def test_association_type_letter_case(self):
        data = package()
        data["CFAssociations"][1]["associationType"] = "IsChildOf"
        import_case_package(data)
        assert Competency.objects.get(case_identifier=B).parent.case_identifier == A


def broken(mutate):
    data = package()
    mutate(data)
    return data


BAD_PACKAGES = {
    "no CFDocument": (lambda d: d.pop("CFDocument"), "no CFDocument"),
    "CFDocument without identifier": (lambda d: d["CFDocument"].pop("identifier"), "CFDocument has no identifier"),
    "item without identifier": (lambda d: d["CFItems"][2].pop("identifier"), "CFItems[2] has no identifier"),
    "item without fullStatement": (lambda d: d["CFItems"][1].pop("fullStatement"), "CFItems[1]"),
    "duplicate identifier": (lambda d: d["CFItems"][2].update(identifier=B.upper()), "appears twice"),
    "parent not in package": (
        lambda d: d["CFAssociations"].append(child_of(C, "99999999-0000-4000-8000-000000000000")),
        "CFAssociations[3] (isChildOf): parent 99999999-0000-4000-8000-000000000000 is not in the package",
    ),
    "child not in package": (
        lambda d: d["CFAssociations"].append(child_of("88888888-0000-4000-8000-000000000000", A)),
        "child 88888888-0000-4000-8000-000000000000 is not an item",
    ),
    "cycle": (
        lambda d: d.update(CFAssociations=[child_of(A, B), child_of(B, A)]),
        "cycle",
    ),
    "items not a list": (lambda d: d.update(CFItems={"a": 1}), "CFItems must be a list"),
    "association without nodes": (lambda d: d["CFAssociations"][0].pop("originNodeURI"), "CFAssociations[0]"),
}


@pytest.mark.parametrize("case", BAD_PACKAGES, ids=list(BAD_PACKAGES))
def test_bad_packages_are_refused_and_write_nothing(case):
    mutate, message = BAD_PACKAGES[case]
    with pytest.raises(CaseImportError) as caught:
        import_case_package(broken(mutate))
    assert message in str(caught.value)
    assert stored() == (0, 0)


def test_bad_package_leaves_an_existing_framework_untouched():
    import_case_package(package())
    data = package()
    data["CFItems"][1]["fullStatement"] = "Changed"
    data["CFAssociations"].append(child_of(C, "99999999-0000-4000-8000-000000000000"))
    with pytest.raises(CaseImportError):
        import_case_package(data)
    assert Competency.objects.get(case_identifier=B).full_statement == "Take vital signs"


def test_an_item_cannot_move_to_another_framework():
    import_case_package(package())
    other = copy.deepcopy(package())
    other["CFDocument"]["identifier"] = "77777777-0000-4000-8000-000000000000"
    other["CFAssociations"][0] = child_of(A, "77777777-0000-4000-8000-000000000000")
    with pytest.raises(CaseImportError, match="cannot move between frameworks"):
        import_case_package(other)
    assert stored() == (1, 3)


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "not valid JSON (line 1"),
        ("[1, 2]", "must be a JSON object"),
        (json.dumps({"CFItems": []}), "no CFDocument"),
    ],
)
def test_command_exits_non_zero_naming_the_problem(tmp_path, content, message):
    path = tmp_path / "package.json"
    path.write_text(content)
    with pytest.raises(CommandError) as caught:
        call_command("import_case", str(path))
    assert message in str(caught.value) and "Nothing was imported" in str(caught.value)
    assert stored() == (0, 0)


def test_command_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="cannot read the file"):
        call_command("import_case", str(tmp_path / "missing.json"))
