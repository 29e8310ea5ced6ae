"""Import IMS Global / 1EdTech CASE 1.0 competency frameworks (JSON packages).

A package is a CFDocument (the framework), its CFItems (the competencies) and CFAssociations
between them; `isChildOf` associations give the hierarchy. The whole package is validated
before anything is written, and the write is one transaction, so a bad file changes nothing.
Rows are matched by CASE identifier, so importing a new version of a framework updates it in
place instead of duplicating it.
"""

import json
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from .models import Competency, CompetencyFramework
from .signals import catalog_changed, competencies_changed

# The fields of Competency filled from a CFItem; all of them (plus the parent) must be equal
# for an item to count as "unchanged".
ITEM_FIELDS = [
    "case_uri",
    "human_coding_scheme",
    "full_statement",
    "abbreviated_statement",
    "competency_type",
    "sort_order",
]
FRAMEWORK_FIELDS = ["title", "publisher", "version", "description", "case_uri"]

# Column sizes of the models. Identifiers, URIs and codes that do not fit are refused (a
# truncated identifier or URI is a different one); display text is shortened instead.
IDENTIFIER_MAX = 255
URI_MAX = 500
CODE_MAX = 100
SORT_ORDER_MAX = 2_147_483_647  # PositiveIntegerField on PostgreSQL
BATCH = 500


class CaseImportError(Exception):
    """The package is not valid CASE 1.0 (or cannot be stored); the message names the element."""


@dataclass
class ImportSummary:
    """What one import did. `unchanged` items had every mapped field and their parent equal."""

    framework: CompetencyFramework
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Competencies of this framework that the package no longer lists. They are kept, not
    # deleted: issued credentials and microcredential pages may still reference them.
    not_in_package: int = 0
    framework_created: bool = False
    framework_updated: bool = False
    notes: list = field(default_factory=list)

    def __str__(self):
        if self.framework_created:
            verb = "created"
        else:
            verb = "updated" if self.framework_updated else "unchanged"
        text = (
            f"{self.framework.title}: framework {verb}; competencies {self.created} created, "
            f"{self.updated} updated, {self.unchanged} unchanged"
        )
        if self.not_in_package:
            text += f"; {self.not_in_package} already stored but not in this package (kept)"
        return text


@dataclass
class ParsedPackage:
    """A validated package, ready to write: identifiers are lower-cased, texts are strings."""

    document_id: str
    framework: dict
    items: dict  # identifier -> Competency field values (package order)
    parents: dict  # child identifier -> parent item identifier; top-level items are absent
    notes: list


def load_case_file(path):
    """Read and parse a CASE JSON file, with an error a person can act on."""
    try:
        with open(path, encoding="utf-8-sig") as handle:  # -sig: some exporters write a BOM
            data = json.load(handle)
    except OSError as error:
        raise CaseImportError(f"cannot read the file: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise CaseImportError("the file is not UTF-8 text") from error
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise CaseImportError(f"not valid JSON ({where}: {error.msg})") from error
    if not isinstance(data, dict):
        raise CaseImportError("the top level of a CASE package must be a JSON object")
    return data


# --- Validation ----------------------------------------------------------------------------


def _identifier(value, where):
    """CASE identifiers are UUIDs, but publishers differ in letter case: compare lower-cased."""
    if not isinstance(value, str) or not value.strip():
        raise CaseImportError(f"{where} has no identifier")
    value = value.strip().lower()
    if len(value) > IDENTIFIER_MAX:
        raise CaseImportError(f"{where}: identifier is longer than {IDENTIFIER_MAX} characters")
    return value


def _text(container, key, where, max_length=None, truncate=True):
    """An optional string field: missing or null is '', any other non-string is an error."""
    value = container.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise CaseImportError(f"{where}.{key} must be a string, not {type(value).__name__}")
    value = value.strip()
    if max_length is not None and len(value) > max_length:
        if not truncate:
            raise CaseImportError(f"{where}.{key} is longer than {max_length} characters")
        value = value[: max_length - 1] + "…"
    return value


def _object(container, key, where, required=False):
    value = container.get(key)
    if value is None:
        if required:
            raise CaseImportError(f"{where} has no {key}" if where else f"the package has no {key}")
        return {}
    if not isinstance(value, dict):
        raise CaseImportError(f"{where + '.' if where else ''}{key} must be an object")
    return value


def _list(container, key, where=""):
    """Lists CASE lets a package leave out (CFItems, CFAssociations, …) default to empty."""
    value = container.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise CaseImportError(f"{where + '.' if where else ''}{key} must be a list")
    return value


def _order(value, default):
    """listEnumeration (a string) or sequenceNumber (an integer); unusable values keep `default`."""
    if isinstance(value, bool):
        return default
    try:
        return min(max(0, int(str(value).strip())), SORT_ORDER_MAX)
    except (TypeError, ValueError):
        return default


def _item_types(package):
    """CFDefinitions.CFItemTypes by identifier, to name items that only carry CFItemTypeURI."""
    definitions = _object(package, "CFDefinitions", "")
    types = {}
    for index, entry in enumerate(_list(definitions, "CFItemTypes", "CFDefinitions")):
        where = f"CFDefinitions.CFItemTypes[{index}]"
        if not isinstance(entry, dict):
            raise CaseImportError(f"{where} is not an object")
        if isinstance(entry.get("identifier"), str) and entry["identifier"].strip():
            types[entry["identifier"].strip().lower()] = _text(entry, "title", where, 100)
    return types


def _item_type(item, where, item_types):
    """CFItemType (a string) if given, else CFItemTypeURI's title, else its definition's title."""
    name = _text(item, "CFItemType", where, 100)
    if name:
        return name
    link = _object(item, "CFItemTypeURI", where)
    name = _text(link, "title", f"{where}.CFItemTypeURI", 100)
    if name:
        return name
    identifier = link.get("identifier")
    if isinstance(identifier, str):
        return item_types.get(identifier.strip().lower(), "")
    return ""


def parse_package(data):
    """Validate a package (bare, or wrapped in {"CFPackage": …}) and return a ParsedPackage.

    Raises CaseImportError on the first problem. CASE 1.0 requires identifier and title on the
    CFDocument and identifier and fullStatement on every CFItem; everything else we store is
    optional. Association types other than isChildOf (isRelatedTo, precedes, exactMatchOf, …)
    may by CASE point at nodes in other packages, so they are accepted and not stored.
    """
    if not isinstance(data, dict):
        raise CaseImportError("the top level of a CASE package must be a JSON object")
    package = data["CFPackage"] if "CFPackage" in data else data
    if not isinstance(package, dict):
        raise CaseImportError("CFPackage must be an object")
    document = _object(package, "CFDocument", "", required=True)
    document_id = _identifier(document.get("identifier"), "CFDocument")
    title = _text(document, "title", "CFDocument", 255)
    if not title:
        raise CaseImportError("CFDocument has no title")
    framework = {
        "title": title,
        # CASE has both; `publisher` is the organisation that publishes, `creator` who wrote it.
        "publisher": _text(document, "publisher", "CFDocument", 255)
        or _text(document, "creator", "CFDocument", 255),
        "version": _text(document, "version", "CFDocument", 50),
        "description": _text(document, "description", "CFDocument"),
        "case_uri": _text(document, "uri", "CFDocument", URI_MAX, truncate=False),
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
        statement = _text(item, "fullStatement", where)
        if not statement:
            raise CaseImportError(f"{where} ({identifier}) has no fullStatement")
        items[identifier] = {
            "case_uri": _text(item, "uri", where, URI_MAX, truncate=False),
            "human_coding_scheme": _text(item, "humanCodingScheme", where, CODE_MAX, truncate=False),
            "full_statement": statement,
            "abbreviated_statement": _text(item, "abbreviatedStatement", where, 255),
            "competency_type": _item_type(item, where, item_types),
            "sort_order": _order(item.get("listEnumeration"), default=index),
        }

    parents, edges, notes = {}, {}, []
    for index, association in enumerate(_list(package, "CFAssociations")):
        where = f"CFAssociations[{index}]"
        if not isinstance(association, dict):
            raise CaseImportError(f"{where} is not an object")
        kind = _text(association, "associationType", where)
        if not kind:
            raise CaseImportError(f"{where} has no associationType")
        origin = _object(association, "originNodeURI", f"{where} ({kind})", required=True)
        destination = _object(association, "destinationNodeURI", f"{where} ({kind})", required=True)
        child = _identifier(origin.get("identifier"), f"{where} ({kind}) originNodeURI")
        parent = _identifier(destination.get("identifier"), f"{where} ({kind}) destinationNodeURI")
        if kind.lower() != "ischildof":  # publishers write IsChildOf, ischildof, …
            continue
        where = f"{where} (isChildOf)"
        if child not in items:
            raise CaseImportError(f"{where}: child {child} is not an item in the package")
        if parent != document_id and parent not in items:
            raise CaseImportError(f"{where}: parent {parent} is not in the package")
        edges.setdefault(child, set()).add(parent)
        if child in parents and parents[child] != parent:
            # CASE allows an item under several parents; a Competency has one. Keep the first.
            notes.append(f"{where}: item {child} already has a parent; this second parent is ignored")
            continue
        parents[child] = parent
        if association.get("sequenceNumber") is not None:
            items[child]["sort_order"] = _order(association["sequenceNumber"], items[child]["sort_order"])

    _refuse_cycles(edges)
    return ParsedPackage(
        document_id=document_id,
        framework=framework,
        items=items,
        parents={child: parent for child, parent in parents.items() if parent != document_id},
        notes=notes,
    )


def _refuse_cycles(edges):
    """isChildOf must form a forest under the CFDocument; a cycle has no top and no valid tree."""
    done, active = set(), set()
    for start in edges:
        if start in done:
            continue
        stack = [(start, iter(edges.get(start, ())))]
        active.add(start)
        while stack:
            node, parents = stack[-1]
            parent = next(parents, None)
            if parent is None:
                stack.pop()
                active.discard(node)
                done.add(node)
            elif parent in active:
                raise CaseImportError(f"isChildOf associations form a cycle through item {parent}")
            elif parent not in done:
                active.add(parent)
                stack.append((parent, iter(edges.get(parent, ()))))


# --- Writing -------------------------------------------------------------------------------


def _chunks(values, size=BATCH):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def import_case_package(data):
    """Validate `data`, then create or update the framework and its competencies atomically.

    Idempotent by CASE identifier: importing the same package again changes nothing, and a new
    version updates rows in place (update-or-create semantics, done in bulk). An identifier
    that already belongs to another framework is refused rather than silently moved.
    Competencies that the package no longer lists are kept and counted as `not_in_package`:
    deleting them could break credentials that reference them.
    """
    parsed = parse_package(data)
    items = parsed.items
    existing = {}
    for chunk in _chunks(items):
        for competency in Competency.objects.filter(case_identifier__in=chunk).select_related("framework"):
            existing[competency.case_identifier] = competency
    for identifier, competency in existing.items():
        if competency.framework.case_identifier != parsed.document_id:
            raise CaseImportError(
                f"item {identifier} already belongs to the framework “{competency.framework.title}”; "
                "an item cannot move between frameworks"
            )
    try:
        with transaction.atomic():
            summary = _write(parsed, existing)
    except IntegrityError as error:
        # Only a concurrent import of the same identifiers can get here; validation ran first.
        raise CaseImportError(
            f"the database refused the import ({error}); is another import running?"
        ) from error
    return summary


def _write(parsed, existing):
    items = parsed.items
    framework = (
        CompetencyFramework.objects.select_for_update().filter(case_identifier=parsed.document_id).first()
    )
    summary = ImportSummary(framework=framework, notes=list(parsed.notes))
    if framework is None:
        framework = CompetencyFramework.objects.create(case_identifier=parsed.document_id, **parsed.framework)
        summary.framework, summary.framework_created = framework, True
    elif any(getattr(framework, name) != value for name, value in parsed.framework.items()):
        for name, value in parsed.framework.items():
            setattr(framework, name, value)
        framework.save()
        summary.framework_updated = True

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
    Competency.objects.bulk_create(to_create, batch_size=BATCH)
    Competency.objects.bulk_update(to_update, ITEM_FIELDS, batch_size=BATCH)

    # Second pass: parents, now that every item has a primary key.
    rows = Competency.objects.filter(framework=framework).values_list("case_identifier", "pk", "parent_id")
    stored = {identifier: (pk, parent_id) for identifier, pk, parent_id in rows if identifier is not None}
    reparent = []
    for identifier in items:
        pk, parent_id = stored[identifier]
        wanted = stored[parsed.parents[identifier]][0] if identifier in parsed.parents else None
        if parent_id != wanted:
            reparent.append(Competency(pk=pk, parent_id=wanted, case_identifier=identifier))
    Competency.objects.bulk_update(reparent, ["parent"], batch_size=BATCH)

    # A changed parent is a change, even when the item's own fields were equal.
    created = {c.case_identifier for c in to_create}
    updated = {c.case_identifier for c in to_update} | ({c.case_identifier for c in reparent} - created)
    summary.created, summary.updated = len(created), len(updated)
    summary.unchanged = len(items) - len(created) - len(updated)
    # Rows without an identifier (added in the admin) are not in any package either.
    summary.not_in_package = len(rows) - len(items)

    _reindex(framework)
    # Bulk writes send no model signals: say what changed (catalog/signals.py). A changed
    # statement or code is in the search documents of the credentials certifying it; then
    # anything derived from the catalog, such as cached search answers, is stale.
    competencies_changed.send(sender=Competency, competency_ids=[competency.pk for competency in to_update])
    catalog_changed.send(sender=Competency)
    return summary


def _reindex(framework):
    """Bulk writes skip the signals Wagtail indexes on; refresh this framework once committed.

    robust=True: a search backend that is down must not turn a committed import into an error.
    """
    from wagtail.search.backends import get_search_backend

    def reindex():
        get_search_backend().add_bulk(Competency, Competency.objects.filter(framework=framework))

    transaction.on_commit(reindex, robust=True)
