"""Parsing of catalog search URLs.

Every state of the search page is a shareable URL, so these parameters arrive from bookmarks,
old links and bots as well as from the form. Unknown values are dropped rather than refused:
a stale competency id in a bookmarked URL should still give a useful page, not an error.
"""

from dataclasses import dataclass, field

from catalog.models import DeliveryFormat, Level

MAX_QUERY_LENGTH = 200
MAX_VALUES_PER_FACET = 50
MAX_PAGE = 10_000

PRICE_BANDS = {"free": "Free", "upto50": "Up to $50", "over50": "More than $50"}
HOURS_BANDS = {
    "lt10": "Under 10 hours",
    "10to39": "10–39 hours",
    "40to99": "40–99 hours",
    "100plus": "100+ hours",
}
CREDIT_CHOICES = {"yes": "Credit eligible", "no": "Non-credit only"}
SORTS = {
    "relevance": "Best match",
    "newest": "Newest",
    "price": "Price: low to high",
    "-price": "Price: high to low",
    "hours": "Hours: fewest first",
}


@dataclass
class SearchParams:
    text: str = ""
    competencies: list = field(default_factory=list)
    partners: list = field(default_factory=list)
    levels: list = field(default_factory=list)
    formats: list = field(default_factory=list)
    credit: list = field(default_factory=list)
    prices: list = field(default_factory=list)
    hours: list = field(default_factory=list)
    sort: str = "relevance"
    page: int = 1
    truncated: bool = False

    @property
    def has_filters(self):
        return any(
            [
                self.competencies,
                self.partners,
                self.levels,
                self.formats,
                self.credit,
                self.prices,
                self.hours,
            ]
        )

    @property
    def is_empty(self):
        return not self.text and not self.has_filters


def _ints(values):
    result = []
    for value in values[:MAX_VALUES_PER_FACET]:
        try:
            number = int(value)
        except (TypeError, ValueError):
            continue
        if 0 < number < 2**31 and number not in result:
            result.append(number)
    return result


def _choices(values, allowed):
    return [value for value in dict.fromkeys(values[:MAX_VALUES_PER_FACET]) if value in allowed]


def parse_search_params(querydict):
    """Turn request.GET into SearchParams; never raises, whatever the input."""
    raw_text = " ".join(querydict.get("q", "").split())
    text = raw_text[:MAX_QUERY_LENGTH]
    levels = [level for level in _ints(querydict.getlist("level")) if level in Level.values]
    sort = querydict.get("sort", "relevance")
    if sort not in SORTS or (sort == "relevance" and not text):
        sort = "relevance" if text else "newest"
    page = _ints([querydict.get("page", "1")])
    return SearchParams(
        text=text,
        competencies=_ints(querydict.getlist("competency")),
        partners=_ints(querydict.getlist("partner")),
        levels=levels,
        formats=_choices(querydict.getlist("format"), DeliveryFormat.values),
        credit=_choices(querydict.getlist("credit"), CREDIT_CHOICES),
        prices=_choices(querydict.getlist("price"), PRICE_BANDS),
        hours=_choices(querydict.getlist("hours"), HOURS_BANDS),
        sort=sort,
        page=min(page[0], MAX_PAGE) if page else 1,
        truncated=len(raw_text) > MAX_QUERY_LENGTH,
    )
