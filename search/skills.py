"""Employer skills search: which credentials certify the competencies an employer hires for.

Only credentials a learner may see count: live, and outside every view-restricted section of the
tree (what Wagtail's `live().public()` keeps); pathways likewise, and their visible steps.

Ranking is by coverage — how many of the chosen competencies a credential certifies — then by
the proficiency it brings learners to in them, so a credential that covers four of five
skills at an advanced level outranks one that covers them at a foundational level.
"""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Sum
from wagtail.models import Page

from catalog.models import Competency, MicrocredentialCompetency, MicrocredentialPage, PathwayStep

from .sql.catalog_cache import AnswerCache
from .sql.lookups import hidden_pages, restricted_sections

MAX_COMPETENCIES = 20


class SkillsSearchError(ValueError):
    """The request cannot be answered; the message says what to change."""


@dataclass
class CoveredSkill:
    competency: Competency
    proficiency_level: int
    proficiency_label: str
    assessment_method: str
    assessment_label: str


@dataclass
class CredentialCoverage:
    credential: MicrocredentialPage
    covered: list
    missing: list

    @property
    def covered_count(self):
        return len(self.covered)


@dataclass
class PathwaySuggestion:
    pathway: object
    credentials: list = field(default_factory=list)


@dataclass
class SkillsSearchResult:
    competencies: list
    page: object
    total: int
    pathways: list


def parse_competency_ids(values):
    """Integer ids from request values; SkillsSearchError for anything else."""
    ids = []
    for value in values:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise SkillsSearchError(f"“{str(value)[:40]}” is not a competency id.") from None
        if number <= 0 or number >= 2**31:
            raise SkillsSearchError(f"{number} is not a competency id.")
        if number not in ids:
            ids.append(number)
    if len(ids) > MAX_COMPETENCIES:
        raise SkillsSearchError(f"Choose at most {MAX_COMPETENCIES} competencies.")
    return ids


def skills_search(competency_ids, page_number=1, per_page=20):
    """Credentials ranked by how many of `competency_ids` they certify, with pathway suggestions."""
    chosen = list(Competency.objects.filter(pk__in=competency_ids).select_related("framework"))
    chosen.sort(key=lambda c: competency_ids.index(c.pk))
    if not chosen:
        return SkillsSearchResult(competencies=[], page=None, total=0, pathways=[])
    chosen_ids = [c.pk for c in chosen]

    # The whole ranking is cached (per set of competencies, until the catalog changes), so
    # paging through it or asking again costs two small queries instead of two aggregates.
    ranking = AnswerCache().get_or_compute("skills", sorted(chosen_ids), lambda: ranked_page_ids(chosen_ids))
    paginator = Paginator(ranking, per_page)
    page = paginator.get_page(page_number)
    page_ids = list(page.object_list)
    credentials = MicrocredentialPage.objects.filter(pk__in=page_ids).for_listing().in_bulk()
    links = MicrocredentialCompetency.objects.filter(page_id__in=page_ids, competency_id__in=chosen_ids)
    by_page = {}
    for link in links:
        by_page.setdefault(link.page_id, {})[link.competency_id] = link
    by_id = {c.pk: c for c in chosen}
    page.object_list = [
        CredentialCoverage(
            credential=credentials[page_id],
            covered=[
                CoveredSkill(
                    competency=by_id[competency_id],
                    proficiency_level=link.proficiency_level,
                    proficiency_label=link.get_proficiency_level_display(),
                    assessment_method=link.assessment_method,
                    assessment_label=link.get_assessment_method_display(),
                )
                for competency_id, link in sorted(
                    by_page.get(page_id, {}).items(), key=lambda item: chosen_ids.index(item[0])
                )
            ],
            missing=[c for c in chosen if c.pk not in by_page.get(page_id, {})],
        )
        for page_id in page_ids
        if page_id in credentials
    ]
    return SkillsSearchResult(
        competencies=chosen, page=page, total=paginator.count, pathways=suggest_pathways(chosen_ids)
    )


def ranked_page_ids(competency_ids):
    """Visible credentials certifying any of `competency_ids`: most covered first, then deepest,
    then by title and id.

    The links are counted per credential first, and only the counts are joined to the page
    table (for `live` and the title; the private pages, if any, are a set read once). Grouping
    the joined rows instead made the database carry each title through the grouping, sorting
    12,000 rows twice for five common competencies.
    COUNT(*) counts competencies: a credential links a competency once at most (the
    `unique_competency_per_credential` constraint), so no DISTINCT, which would force a sort.
    """
    counts_sql, counts_params = (
        MicrocredentialCompetency.objects.filter(competency_id__in=competency_ids)
        .order_by()
        .values("page_id")
        .annotate(covered=Count("*"), depth=Sum("proficiency_level"))
        .query.sql_with_params()
    )
    page = Page._meta
    private_sql, private_params = "", []
    restricted = restricted_sections()
    if restricted:
        private_sql, private_params = hidden_pages(restricted).query.sql_with_params()
        private_sql = f"AND c.page_id NOT IN ({private_sql}) "
    sql = (
        f"WITH skill_counts AS ({counts_sql}) "
        f"SELECT c.page_id FROM skill_counts c JOIN {page.db_table} p ON p.{page.pk.column} = c.page_id "
        f"WHERE p.live {private_sql}"
        "ORDER BY c.covered DESC, c.depth DESC, p.title ASC, c.page_id ASC"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*counts_params, *private_params])
        return [row[0] for row in cursor.fetchall()]


def suggest_pathways(competency_ids):
    """Visible pathways whose visible steps, taken together, certify every chosen competency."""
    from catalog.models import PathwayPage

    coverage = {}
    hidden = hidden_pages(restricted_sections())
    steps = (
        PathwayStep.objects.filter(microcredential__competency_links__competency_id__in=competency_ids)
        .exclude(page_id__in=hidden)
        .exclude(microcredential_id__in=hidden)
        .values_list("page_id", "microcredential__competency_links__competency_id", "microcredential_id")
    )
    contributing = {}
    for pathway_id, competency_id, credential_id in steps:
        coverage.setdefault(pathway_id, set()).add(competency_id)
        contributing.setdefault(pathway_id, set()).add(credential_id)
    complete = [pk for pk, covered in coverage.items() if covered >= set(competency_ids)]
    pathways = PathwayPage.objects.filter(pk__in=complete).order_by("title")
    titles = dict(
        MicrocredentialPage.objects.filter(
            pk__in=set().union(*contributing.values()) if contributing else []
        ).values_list("pk", "title")
    )
    return [
        PathwaySuggestion(pathway=pathway, credentials=sorted(titles[pk] for pk in contributing[pathway.pk]))
        for pathway in pathways
    ]
