"""Employer skills search as a page, a CSV download and a read-only JSON API (v1)."""

from dataclasses import dataclass

from django.http import HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from catalog.links import page_full_url
from catalog.models import Competency
from spreadsheets.cells import csv_writer

from .serializers import competency_dict, coverage_dict
from .skills import SkillsSearchError, parse_competency_ids, skills_search
from .suggestions import certified_competencies

API_MAX_PER_PAGE = 100
PICKER_LIMIT = 200


def _page_number(request):
    try:
        return max(1, min(int(request.GET.get("page", 1)), 10_000))
    except (TypeError, ValueError):
        return 1


@dataclass
class PickerEntry:
    """One line of the picker: a competency to tick, or (`choosable` False) an ancestor of some
    that no credential certifies, shown as a heading so the framework's structure still reads."""

    competency: Competency
    choosable: bool
    depth: int


@dataclass
class Picker:
    """The entries the picker lists, by framework, and whether the list was cut."""

    frameworks: dict
    truncated: bool

    @property
    def open_frameworks(self):
        """Whether every framework starts unfolded: when there is only one, nothing to fold."""
        return len(self.frameworks) == 1


def competency_picker(find, chosen_ids=()):
    """Frameworks with their certified competencies in hierarchy order, optionally narrowed by
    text, each under its ancestors.

    The chosen competencies are left out: the page lists them on their own, whatever `find`
    shows, so that narrowing the list never drops a skill already ticked.
    """
    # Only what a search would find, in the frameworks staff show on the skills page.
    competencies = (
        certified_competencies().filter(framework__show_on_skills_page=True).select_related("framework")
    )
    if find:
        competencies = competencies.matching(find)
    listed = list(
        competencies.exclude(pk__in=chosen_ids).order_by(
            "framework__title", "framework_id", "sort_order", "human_coding_scheme", "pk"
        )[: PICKER_LIMIT + 1]
    )
    choosable = listed[:PICKER_LIMIT]
    everything = {c.pk: c for c in choosable} | _ancestors(choosable)
    groups = {}
    for competency in everything.values():
        groups.setdefault(competency.framework, []).append(competency)
    chosen_pks = {c.pk for c in choosable}
    frameworks = {
        framework: [
            PickerEntry(competency=c, choosable=c.pk in chosen_pks, depth=depth)
            for c, depth in _hierarchy_order(items)
        ]
        for framework, items in sorted(groups.items(), key=lambda item: (item[0].title, item[0].pk))
    }
    return Picker(frameworks=frameworks, truncated=len(listed) > PICKER_LIMIT)


def _ancestors(competencies):
    """The ancestors of `competencies` not among them, by id: one query per level of the tree."""
    found = {}
    known = {c.pk for c in competencies}
    wanted = {c.parent_id for c in competencies} - known - {None}
    while wanted:
        parents = list(Competency.objects.filter(pk__in=wanted).select_related("framework"))
        found.update((parent.pk, parent) for parent in parents)
        known |= wanted
        wanted = {parent.parent_id for parent in parents} - known - {None}
    return found


def _hierarchy_order(competencies):
    """(competency, depth) pairs, each competency followed by its children (depth-first), as the
    framework reads."""
    present = {c.pk for c in competencies}
    children = {}
    for competency in competencies:
        parent = competency.parent_id if competency.parent_id in present else None
        children.setdefault(parent, []).append(competency)
    ordered = []

    def visit(parent_id, depth):
        for competency in sorted(
            children.get(parent_id, []), key=lambda c: (c.sort_order, c.human_coding_scheme, c.pk)
        ):
            ordered.append((competency, depth))
            visit(competency.pk, depth + 1)

    visit(None, 0)
    return ordered


@require_GET
def skills_page(request):
    find = " ".join(request.GET.get("find", "").split())[:100]
    error = None
    result = None
    try:
        ids = parse_competency_ids(request.GET.getlist("competency"))
    except SkillsSearchError as exc:
        ids, error = [], str(exc)
    if ids:
        result = skills_search(ids, page_number=_page_number(request))
    response = TemplateResponse(
        request,
        "search/skills.html",
        {
            "find": find,
            "error": error,
            "chosen_ids": ids,
            "chosen": result.competencies if result else [],
            "chosen_from_several_frameworks": result
            and len({c.framework_id for c in result.competencies}) > 1,
            "result": result,
            "picker": competency_picker(find, ids),
            "picker_limit": PICKER_LIMIT,
        },
        status=400 if error else 200,
    )
    return response


@require_GET
def skills_csv(request):
    try:
        ids = parse_competency_ids(request.GET.getlist("competency"))
    except SkillsSearchError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    if not ids:
        return HttpResponse(
            "Choose at least one competency (?competency=ID).", status=400, content_type="text/plain"
        )
    result = skills_search(ids, per_page=10_000)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="credentials-by-skill.csv"'
    writer = csv_writer(response)  # titles and statements are text anyone could type: no formulas
    writer.writerow(
        [
            "credential",
            "code",
            "provider",
            "url",
            "covered",
            "of",
            "covered competencies",
            "missing competencies",
            "assessment",
            "price_usd",
            "credit_eligible",
            "credit_hours",
            "credit_fee_usd",
        ]
    )
    for coverage in result.page.object_list if result.page else []:
        row = coverage_dict(coverage, request)
        writer.writerow(
            [
                row["title"],
                row["short_code"],
                row["provider"],
                row["url"],
                row["coverage"]["covered"],
                row["coverage"]["of"],
                "; ".join(
                    f"{c['code']} {c['statement']} ({c['proficiency']}, {c['assessment']})"
                    for c in row["covered"]
                ),
                "; ".join(f"{c['code']} {c['statement']}" for c in row["missing"]),
                row["assessment_method"],
                row["price"],
                "yes" if row["credit_eligible"] else "no",
                row["credit_hours"] or "",
                row["credit_conversion_fee"] or "",
            ]
        )
    return response


def api_error(message, status=400):
    return JsonResponse({"error": message}, status=status)


@require_GET
def api_skills_search(request):
    """GET /api/v1/skills-search/?competency=ID[&competency=ID…][&page=N][&per_page=N]"""
    try:
        ids = parse_competency_ids(request.GET.getlist("competency"))
    except SkillsSearchError as exc:
        return api_error(str(exc))
    if not ids:
        return api_error("Give at least one competency id: ?competency=ID (repeat for more).")
    try:
        per_page = int(request.GET.get("per_page", 20))
    except ValueError:
        return api_error("per_page must be a whole number.")
    if not 1 <= per_page <= API_MAX_PER_PAGE:
        return api_error(f"per_page must be between 1 and {API_MAX_PER_PAGE}.")
    result = skills_search(ids, page_number=_page_number(request), per_page=per_page)
    unknown = sorted(set(ids) - {c.pk for c in result.competencies})
    page = result.page
    return JsonResponse(
        {
            "competencies": [competency_dict(c) for c in result.competencies],
            "unknown_competency_ids": unknown,
            "count": result.total,
            "page": page.number if page else 1,
            "pages": page.paginator.num_pages if page else 0,
            "results": [coverage_dict(c, request) for c in page.object_list] if page else [],
            "pathways": [
                {
                    "title": s.pathway.title,
                    "url": page_full_url(s.pathway, request),
                    "credentials": s.credentials,
                }
                for s in result.pathways
            ],
        }
    )
