"""Fast relevance-ordered matches for Wagtail's SQLite (FTS5) search backend.

The backend orders by relevance with one correlated bm25 subquery per matching row; for a
common word in a large catalog (7,400 matches in 20,000 credentials) that took 26 seconds.
FTS5 can rank the whole match in one pass, so this asks the same index table directly: the
same tokens, ANDed, in the title and body columns (what the backend searches), with the
title weighted twice, as its search_fields boost says. PostgreSQL and Elasticsearch keep using
the backend's own ranking.

FTS5's tokenizer does not stem, so on its own "management" would not find "manage" nor
"dashboard" find "dashboards", where PostgreSQL's English configuration finds both. Each word
searched is therefore widened to the indexed words with the same English (Snowball) stem, the
stemmer PostgreSQL uses, read from the index's own vocabulary (see `word_forms`).

What it replaces: the SQLite backend's ranking query, for catalog text searches
(`CatalogSearch._match_text`) and for autocomplete (search/views.py). Its answers are meant to
equal PostgreSQL's, not the SQLite backend's (which does not stem). Proof: the shared
expectations in tests/search/test_catalog_search.py (TestTextSearch, TestPage's autocomplete),
which run unchanged on SQLite and PostgreSQL.
"""

import os
import threading

import snowballstemmer
from django.db import connection
from modelsearch.utils import get_descendants_content_types_pks

from .library_internals import is_sqlite_search_results

TITLE_WEIGHT = 2.0
BODY_WEIGHT = 1.0
# A word whose forms would share fewer letters than this is searched as typed: a two-letter
# prefix would read a large part of the vocabulary to find a handful of forms.
MIN_STEM_LENGTH = 3
# At most this many indexed words are read per word searched (they share its stem's prefix).
MAX_CANDIDATE_FORMS = 500
_stemmers = threading.local()  # a Snowball stemmer keeps state while it works: one per thread


def english_stem(word):
    stemmer = getattr(_stemmers, "english", None)
    if stemmer is None:
        stemmer = _stemmers.english = snowballstemmer.stemmer("english")
    return stemmer.stemWord(word)


def is_sqlite():
    return connection.vendor == "sqlite"


def uses_sqlite_fts(results):
    return connection.vendor == "sqlite" and is_sqlite_search_results(results)


def ranked_ids(model, terms, autocomplete=False, limit=None):
    """Primary keys of `model` objects whose index entry has every term, best first.

    With `autocomplete`, the last term is a prefix and the autocomplete column is searched,
    as the backend's autocomplete does.
    """
    # Defined by Wagtail only when the database is SQLite with FTS5, hence imported here.
    from wagtail.search.models import IndexEntry, SQLiteFTSIndexEntry

    words = [word.replace('"', "") for word in terms.split() if word.replace('"', "")]
    if not words:
        return []
    fts_table = SQLiteFTSIndexEntry._meta.db_table
    entry_table = IndexEntry._meta.db_table
    content_types = list(get_descendants_content_types_pks(model))
    # Each word quoted as an FTS5 string, so nothing the learner typed is read as syntax.
    if autocomplete:
        quoted = [f'"{word}"' for word in words]
        quoted[-1] += " *"
        match = "{autocomplete} : (" + " AND ".join(quoted) + ")"
    else:
        forms = word_forms(fts_table, words)
        any_form = ["(" + " OR ".join(f'"{form}"' for form in forms[word]) + ")" for word in words]
        match = "{title body} : (" + " AND ".join(any_form) + ")"
    placeholders = ", ".join(["%s"] * len(content_types))
    sql = (
        f"SELECT e.object_id FROM {fts_table} f JOIN {entry_table} e ON e.id = f.rowid "
        f"WHERE {fts_table} MATCH %s AND e.content_type_id IN ({placeholders}) "
        # bm25() weights follow the FTS table's column order: autocomplete, body, title.
        f"ORDER BY bm25({fts_table}, 1.0, {BODY_WEIGHT}, {TITLE_WEIGHT}), e.object_id"
    )
    params = [match, *content_types]
    if limit:
        sql += " LIMIT %s"
        params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [int(row[0]) for row in cursor.fetchall()]


def word_forms(fts_table, words):
    """For each of `words`, the word and the words of the index with the same English stem
    ("manage", "manager" for "management"), as PostgreSQL's English configuration matches them.

    The candidates are the indexed words that start with what a word and its stem have in
    common ("universit" for "university", whose stem is "universiti"; the stem itself when
    that is shorter, as for "using" and "use"). They are read, for all the words in one
    statement, from the FTS5 vocabulary view of the index (a range of its sorted terms per
    word, see `create_vocabulary_view`), then stemmed here.
    """
    forms = {word: [word] for word in words}
    wanted = {}  # word: (its stem, the prefix its forms start with)
    for word in words:
        lowered = word.lower()
        stem = english_stem(lowered)
        prefix = os.path.commonprefix([lowered, stem])
        if len(prefix) < MIN_STEM_LENGTH:
            prefix = stem  # "using" → "use": its forms ("used", "uses") start with the stem
        if len(prefix) >= MIN_STEM_LENGTH:
            wanted[word] = (stem, prefix)
    if not wanted:
        return forms
    vocabulary = vocabulary_view(fts_table)
    ranges = " UNION ALL ".join(
        f"SELECT * FROM (SELECT %s, term FROM temp.{vocabulary} WHERE term >= %s AND term < %s LIMIT %s)"
        for _ in wanted
    )
    params = []
    for number, (_stem, prefix) in enumerate(wanted.values()):
        params += [number, prefix, prefix + "\U0010ffff", MAX_CANDIDATE_FORMS]
    with connection.cursor() as cursor:
        cursor.execute(ranges, params)
        rows = cursor.fetchall()
    by_number = list(wanted.items())
    for number, term in rows:
        word, (stem, _) = by_number[number]
        if term != word.lower() and term not in forms[word] and english_stem(term) == stem:
            forms[word].append(term)
    return forms


def vocabulary_view(fts_table):
    return f"{fts_table}_terms"


def create_vocabulary_view(sender, connection, **kwargs):
    """`connection_created` receiver: give each SQLite connection the vocabulary view that
    `word_forms` reads, once, rather than on every search.

    A view of the index, not a copy: it lives in the connection's temporary schema, so it needs
    no migration and is never stale. FTS5 accepts it before the index table exists (a fresh
    database before `migrate`); only reading it needs the table.
    """
    if connection.vendor != "sqlite":
        return
    from wagtail.search import models as search_models

    fts_model = getattr(search_models, "SQLiteFTSIndexEntry", None)  # absent without FTS5
    if fts_model is None:
        return
    fts_table = fts_model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{vocabulary_view(fts_table)} "
            f"USING fts5vocab(main, {fts_table}, 'row')"
        )
