"""Import IMS Global / 1EdTech CASE 1.0 competency frameworks (JSON packages).

A package is a CFDocument (the framework), its CFItems (the competencies) and CFAssociations
between them; `isChildOf` associations give the hierarchy. The whole package is validated
before anything is written, and the write is one transaction, so a bad file changes nothing.
Rows are matched by CASE identifier, so importing a new version of a framework updates it in
place instead of duplicating it.
"""

import json
from dataclasses import dataclass, field

from django.db import transaction

from .models import Competency, CompetencyFramework

# The fields of Competency filled from a CFItem, in the order they are compared for "unchanged".
ITEM_FIELDS = ["case_uri", "human_coding_scheme", "full_statement", "abbreviated_statement", "competency_type"]
FRAMEWORK_FIELDS = ["title", "publisher", "version", "description", "case_uri"]


class CaseImportError(Exception):
    """The package is not valid CASE 1.0; the message names the offending element."""


@dataclass
class ImportSummary:
    framework: CompetencyFramework
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    not_in_package: int = 0
    framework_created: bool = False
    notes: list = field(default_factory=list)

    def __str__(self):
        verb = "created" if self.framework_created else "already known"
        text = (
            f"{self.framework.title}: framework {verb}; competencies {self.created} created, "
            f"{self.updated} updated, {self.unchanged} unchanged"
        )
        if self.not_in_package:
            text += f"; {self.not_in_package} already stored but not in this package (kept)"
        return text


def load_case_file(path):
    """Read and parse a CASE JSON file, with an error a person can act on."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            data = json.load(handle)
    except OSError as error:
        raise CaseImportError(f"cannot read the file: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise CaseImportError("the file is not UTF-8 text") from error
    except json.JSONDecodeError as error:
        raise CaseImportError(f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})") from error
    if not isinstance(data, dict):
        raise CaseImportError("the top level of a CASE package must be a JSON object")
    return data


def _identifier(value, where):
    if not isinstance(value, str) or not value.strip():
        raise CaseImportError(f"{where} has no identifier")
    return value.strip().lower()


def _text(value):
    """Optional CASE strings may be missing or null; store them as ''."""
    return value.strip() if isinstance(value, str) else ""


def _list(package, key):
    value = package.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise CaseImportError(f"{key} must be a list")
    return value


def _item_types(package):
    """CFDefinitions.CFItemTypes by identifier, to name items that only carry CFItemTypeURI."""
    definitions = package.get("CFDefinitions") or {}
    if not isinstance(definitions, dict):
        raise CaseImportError("CFDefinitions must be an object")
    types = {}
    for entry in definitions.get("CFItemTypes") or []:
        if isinstance(entry, dict) and isinstance(entry.get("identifier"), str):
            types[entry["identifier"].strip().lower()] = _text(entry.get("title"))
    return types


def _item_type(item, item_types):
    if _text(item.get("CFItemType")):
        return _text(item.get("CFItemType"))
    link = item.get("CFItemTypeURI")
    if isinstance(link, dict):
        if _text(link.get("title")):
            return _text(link.get("title"))
        if isinstance(link.get("identifier"), str):
            return item_types.get(link["identifier"].strip().lower(), "")
    return ""


def parse_package(data):
    """Validate a package and return (framework fields, {identifier: item fields}, {child: parent}).

    Raises CaseImportError on the first problem. Association types other than isChildOf
    (isRelatedTo, precedes, exactMatchOf, …) are allowed by CASE to point at nodes in other
    packages, so they are accepted and not stored.
    """
    if not isinstance(data, dict):
        raise CaseImportError("the top level of a CASE package must be a JSON object")
    package = data.get("CFPackage", data)
    if not isinstance(package, dict):
        raise CaseImportError("CFPackage must be an object")
    document = package.get("CFDocument")
    if not isinstance(document, dict):
        raise CaseImportError("the package has no CFDocument")
    document_id = _identifier(document.get("identifier"), "CFDocument")
    if not _text(document.get("title")):
        raise CaseImportError("CFDocument has no title")
    framework = {
        "case_identifier": document_id,
        "title": _text(document["title"])[:255],
        "publisher": (_text(document.get("publisher")) or _text(document.get("creator")))[:255],
        "version": _text(document.get("version"))[:50],
        "description": _text(document.get("description")),
        "case_uri": _text(document.get("uri"))[:500],
    }

    item_types = _item_types(package)
    items = {}
    for index, item in enumerate(_list(package, "CFItems")):
        where = f"CFItems[{index}]"
        if not isinstance(item, dict):
            raise CaseImportError(f"{where} is not an object")
        identifier = _identifier(item.get("identifier"), where)
        if identifier in items:
            raise CaseImportError(f"{where}: identifier {identifier} appears twice in the package")
        if identifier == document_id:
            raise CaseImportError(f"{where}: identifier {identifier} is the CFDocument's own identifier")
        statement = _text(item.get("fullStatement"))
        if not statement:
            raise CaseImportError(f"{where} ({identifier}) has no fullStatement")
        order = item.get("listEnumeration")
        items[identifier] = {
            "case_uri": _text(item.get("uri"))[:500],
            "human_coding_scheme": _text(item.get("humanCodingScheme"))[:100],
            "full_statement": statement,
            "abbreviated_statement": _text(item.get("abbreviatedStatement"))[:255],
            "competency_type": _item_type(item, item_types)[:100],
            "sort_order": _order(order, default=index),
        }

    parents = {}
    for index, association in enumerate(_list(package, "CFAssociations")):
        where = f"CFAssociations[{index}]"
        if not isinstance(association, dict):
            raise CaseImportError(f"{where} is not an object")
        kind = _text(association.get("associationType"))
        origin, destination = association.get("originNodeURI"), association.get("destinationNodeURI")
        if not isinstance(origin, dict) or not isinstance(destination, dict):
            raise CaseImportError(f"{where} ({kind or 'no type'}) needs originNodeURI and destinationNodeURI objects")
        child = _identifier(origin.get("identifier"), f"{where} originNodeURI")
        parent = _identifier(destination.get("identifier"), f"{where} destinationNodeURI")
        if kind.lower() != "ischildof":
            continue
        where = f"{where} (isChildOf)"
        if child not in items:
            raise CaseImportError(f"{where}: child {child} is not an item in the package")
        if parent != document_id and parent not in items:
            raise CaseImportError(f"{where}: parent {parent} is not in the package")
        if child in parents and parents[child] != parent:
            raise CaseImportError(f"{where}: item {child} already has another parent")
        parents[child] = parent
        if "sequenceNumber" in association and association["sequenceNumber"] is not None:
            items[child]["sort_order"] = _order(association["sequenceNumber"], items[child]["sort_order"])

    for start in parents:
        seen, node = set(), start
        while node in parents and parents[node] != document_id:
            if node in seen:
                raise CaseImportError(f"isChildOf associations form a cycle through item {node}")
            seen.add(node)
            node = parents[node]
    return framework, items, {child: parent for child, parent in parents.items() if parent != document_id}


def _order(value, default):
    try:
        return max(0, int(str(value).strip()))
    except (TypeError, ValueError):
        return default


def import_case_package(data):
    """Validate, then create or update the framework and its competencies in one transaction."""
    framework_fields, items, parents = parse_package(data)
    document_id = framework_fields.pop("case_identifier")

    existing = {
        competency.case_identifier: competency
        for competency in Competency.objects.filter(case_identifier__in=list(items)).select_related("framework")
    }
    for identifier, competency in existing.items():
        if competency.framework.case_identifier != document_id:
            raise CaseImportError(
                f"item {identifier} already belongs to the framework “{competency.framework.title}”; "
                "an item cannot move between frameworks"
            )

    with transaction.atomic():
        framework = CompetencyFramework.objects.filter(case_identifier=document_id).first()
        framework_created = framework is None
        if framework_created:
            framework = CompetencyFramework.objects.create(case_identifier=document_id, **framework_fields)
        elif any(getattr(framework, name) != value for name, value in framework_fields.items()):
            for name, value in framework_fields.items():
                setattr(framework, name, value)
            framework.save()
        summary = ImportSummary(framework=framework, framework_created=framework_created)
        to_create, to_update = [], []
        for identifier, fields in items.items():
            competency = existing.get(identifier)
            if competency is None:
                to_create.append(Competency(framework=framework, case_identifier=identifier, **fields))
                continue
            changed = [name for name, value in fields.items() if getattr(competency, name) != value]
            if changed:
                for name in changed:
                    setattr(competency, name, fields[name])
                to_update.append(competency)
            else:
                summary.unchanged += 1
        Competency.objects.bulk_create(to_create, batch_size=500)
        Competency.objects.bulk_update(to_update, ITEM_FIELDS + ["sort_order"], batch_size=500)
        summary.created, summary.updated = len(to_create), len(to_update)

        # Second pass: parents, now that every item has a primary key.
        by_identifier = dict(
            Competency.objects.filter(framework=framework, case_identifier__in=list(items)).values_list(
                "case_identifier", "pk"
            )
        )
        reparent = []
        for competency in Competency.objects.filter(pk__in=by_identifier.values()):
            parent_id = by_identifier.get(parents.get(competency.case_identifier))
            if competency.parent_id != parent_id:
                competency.parent_id = parent_id
                reparent.append(competency)
        Competency.objects.bulk_update(reparent, ["parent"], batch_size=500)
        # A changed parent is a change, even when the item's own fields were equal.
        newly_created = {c.case_identifier for c in to_create}
        updated_ids = {c.case_identifier for c in to_update}
        moved = {c.case_identifier for c in reparent} - newly_created - updated_ids
        summary.updated += len(moved)
        summary.unchanged -= len(moved)

        # Competencies dropped from a new version are kept: credentials may still reference them.
        summary.not_in_package = framework.competencies.exclude(case_identifier__in=list(items)).count()
        # bulk operations skip signals; refresh the search index for this framework's competencies.
        _reindex(framework)
    return summary


def _reindex(framework):
    from wagtail.search.backends import get_search_backend

    backend = get_search_backend()
    competencies = Competency.objects.filter(framework=framework)
    transaction.on_commit(lambda: backend.add_bulk(Competency, competencies))
