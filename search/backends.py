"""How each database matches a query term, and how it keeps its indexes.

PostgreSQL: one full-text vector per document, its English words (``to_tsvector('english')``,
which stems) and its Chinese bigrams and trigrams (``simple``), in one GIN index per kind
of record; a query is one tsquery over it (a Chinese term as its bigram or trigram, a
longer one as its trigrams, then checked as a substring); pg_trgm similarity over the
word list for spelling suggestions. The title text's tsvector is kept in a stored
generated column, ``tsv_head`` (the model does not declare it): the ranking tests every
candidate's title for every term, and parsing the title again each time cost ~15 µs a
test.

SQLite: two FTS5 tables over the same rows, kept in step by triggers: one with the
``porter`` tokenizer (stems English; also holds the Chinese n-grams and arXiv IDs) and one with the
``trigram`` tokenizer (Chinese substrings of three or more characters).

Both answer the same questions the same way; search.query builds on them.

On PostgreSQL a query's values (its tsquery, its LIKE pattern) are read through
uncorrelated subqueries, ``(SELECT plainto_tsquery(…))``: PostgreSQL works each out once
per execution, and plans the ranking query alike for every search. With the values in
plain sight it planned each search afresh (2 ms of a search's 8) and, where it kept a plan
(server-side prepared statements), ran plainto_tsquery once per candidate row.
"""

import difflib
import math

from django.db import connection

from .text import Term, cjk_grams, parse

SUGGESTION_CUTOFF = 0.75
# A spelling one typing slip further from the word typed is taken when the library holds
# it in this many times as many documents: "lamma" is LLaMA (two slips, and in most of a
# reading group's documents) rather than the LAMA benchmark (one slip, in a few).
FURTHER_SLIP_ODDS = 10
# Each shared kind's documents are counted up to this many: enough for the odds of two
# slips, and a common word is not counted to the end.
COUNTED = 100


def like_pattern(text):
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def all_of(conditions):
    """Join (sql, params) conditions with AND."""
    return (
        " AND ".join(sql for sql, _params in conditions),
        [p for _sql, params in conditions for p in params],
    )


TEXT = "(head || ' ' || body)"
# English words (stemmed) and the Chinese bigrams and trigrams, in one vector: every term of a query
# becomes part of one tsquery, answered by one index scan.
VECTOR = (
    f"(to_tsvector('english'::regconfig, {TEXT}) || to_tsvector('simple'::regconfig, cjk_bigrams))"
)


def postgres_indexes():
    """Return (name, CREATE statement) for the search GIN indexes, one per kind of record.

    Each holds one kind's documents only (a partial index, ``WHERE kind = …``): search
    asks each kind for its own matches, and with one index over every kind PostgreSQL
    intersected the matches with all the documents of the kind (7 ms for the 100 000
    papers at 100k papers, on every query).

    Written through at once (``fastupdate = off``, GIN_INDEX_OPTIONS).
    """
    from .models import Kind

    return [
        (
            f"search_doc_{kind}_words",
            f"CREATE INDEX IF NOT EXISTS search_doc_{kind}_words ON search_searchdocument "
            f"USING gin ({VECTOR}) WITH ({GIN_INDEX_OPTIONS}) WHERE kind = '{kind}'",
        )
        for kind in Kind.values
    ]


# A GIN index keeps what is written to it in a "pending list" by default, until the next
# vacuum or until the list holds gin_pending_list_limit (4 MB), and every search reads
# the whole list, one row at a time. Each saved paper, note or meeting is written to the
# index again, so between vacuums a search read hundreds of pending pages: at 10k papers,
# 381 pages after 1 148 saves made the papers' part of a search 1.3 ms instead of 0.14.
# Search is read far more often than the library is written: the index takes each
# document at once. A save costs little more; a whole rebuild_search_index about half as
# much again (31 s against 21 s at 10k papers).
GIN_INDEX_OPTIONS = "fastupdate = off"


def gin_index_names():
    """Every GIN index of search on PostgreSQL."""
    return [*(name for name, _create in postgres_indexes()), "search_word_trgm"]


def gin_options_sql():
    """The statements that give indexes made before GIN_INDEX_OPTIONS the options, and
    flush what they had pending (changing the option alone leaves that to the next
    vacuum). Run by search.0009 alone, not by ``install`` after every migrate: changing
    the option locks the table's readers out until it is done."""
    return [
        *(f"ALTER INDEX IF EXISTS {name} SET ({GIN_INDEX_OPTIONS})" for name in gin_index_names()),
        *(f"SELECT gin_clean_pending_list('{name}'::regclass)" for name in gin_index_names()),
    ]


class PostgresBackend:
    vendor = "postgresql"

    @property
    def install_sql(self):
        return [
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            *(create for _name, create in postgres_indexes()),
            "ALTER TABLE search_searchdocument ADD COLUMN IF NOT EXISTS tsv_head tsvector "
            "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, head)) STORED",
            "CREATE INDEX IF NOT EXISTS search_word_trgm "
            f"ON search_searchword USING gin (word gin_trgm_ops) WITH ({GIN_INDEX_OPTIONS})",
        ]

    @property
    def uninstall_sql(self):
        return [
            *(f"DROP INDEX IF EXISTS {name}" for name, _create in postgres_indexes()),
            "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS tsv_head",
            "DROP INDEX IF EXISTS search_word_trgm",
        ]

    def match_all(self, terms):
        """Return (sql, params): the condition that a document matches every term.

        English terms by stem, Chinese terms by their bigrams and trigrams, all in one
        tsquery over the indexed vector. A Chinese term of two or three characters is
        one indexed bigram or trigram itself; a longer one is found by its trigrams, then
        must also occur as written (they could lie apart); one of a single character is
        found by substring alone.
        """
        queries, params, conditions = [], [], []
        for term in terms:
            text = term.text
            if not term.is_cjk:
                queries.append("plainto_tsquery('english'::regconfig, %s)")
                params.append(term.searched)
                continue
            if len(text) >= 2:
                queries.append("plainto_tsquery('simple'::regconfig, %s)")
                params.append(text if len(text) <= 3 else cjk_grams(3, text))
            if len(text) == 1 or len(text) > 3:
                # A Chinese term has no space, so it cannot match across the joint.
                conditions.append((f"{TEXT} LIKE (SELECT %s::text)", [like_pattern(text)]))
        if queries:
            conditions.insert(0, (f"{VECTOR} @@ (SELECT {' && '.join(queries)})", params))
        return all_of(conditions)

    def match_title(self, term: Term):
        """Return (sql, params): the condition that a document's title text matches the term."""
        if not term.is_cjk:
            return "tsv_head @@ (SELECT plainto_tsquery('english'::regconfig, %s))", [term.searched]
        return "head LIKE (SELECT %s::text)", [like_pattern(term.text)]

    def similar_words(self, word):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT word FROM search_searchword WHERE word %% %s "
                "ORDER BY similarity(word, %s) DESC, word LIMIT 10",
                [word, word],
            )
            return [row[0] for row in cursor.fetchall()]


class SqliteBackend:
    vendor = "sqlite"

    install_sql = [
        "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts_words USING fts5("
        "head, body, cjk_bigrams, content='search_searchdocument', content_rowid='id', "
        "tokenize='porter unicode61 remove_diacritics 2')",
        "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts_trigram USING fts5("
        "head, body, content='search_searchdocument', content_rowid='id', "
        "tokenize='trigram')",
        """CREATE TRIGGER IF NOT EXISTS search_doc_ai AFTER INSERT ON search_searchdocument BEGIN
            INSERT INTO search_fts_words(rowid, head, body, cjk_bigrams)
                VALUES (new.id, new.head, new.body, new.cjk_bigrams);
            INSERT INTO search_fts_trigram(rowid, head, body) VALUES (new.id, new.head, new.body);
        END""",
        """CREATE TRIGGER IF NOT EXISTS search_doc_ad AFTER DELETE ON search_searchdocument BEGIN
            INSERT INTO search_fts_words(search_fts_words, rowid, head, body, cjk_bigrams)
                VALUES ('delete', old.id, old.head, old.body, old.cjk_bigrams);
            INSERT INTO search_fts_trigram(search_fts_trigram, rowid, head, body)
                VALUES ('delete', old.id, old.head, old.body);
        END""",
        """CREATE TRIGGER IF NOT EXISTS search_doc_au AFTER UPDATE ON search_searchdocument BEGIN
            INSERT INTO search_fts_words(search_fts_words, rowid, head, body, cjk_bigrams)
                VALUES ('delete', old.id, old.head, old.body, old.cjk_bigrams);
            INSERT INTO search_fts_trigram(search_fts_trigram, rowid, head, body)
                VALUES ('delete', old.id, old.head, old.body);
            INSERT INTO search_fts_words(rowid, head, body, cjk_bigrams)
                VALUES (new.id, new.head, new.body, new.cjk_bigrams);
            INSERT INTO search_fts_trigram(rowid, head, body) VALUES (new.id, new.head, new.body);
        END""",
    ]
    uninstall_sql = [
        "DROP TRIGGER IF EXISTS search_doc_ai",
        "DROP TRIGGER IF EXISTS search_doc_ad",
        "DROP TRIGGER IF EXISTS search_doc_au",
        "DROP TABLE IF EXISTS search_fts_words",
        "DROP TABLE IF EXISTS search_fts_trigram",
    ]

    @staticmethod
    def fts_phrase(text, column=None):
        phrase = '"' + text.replace('"', '""') + '"'
        return f"{column} : {phrase}" if column else phrase

    def match_all(self, terms):
        """Return (sql, params): the condition that a document matches every term."""
        return all_of([self.match(t) for t in terms])

    def match_title(self, term: Term):
        return self.match(term, head_only=True)

    def match(self, term: Term, head_only=False):
        text = term.text
        column = "head" if head_only else None
        if not term.is_cjk:
            return (
                "search_searchdocument.id IN (SELECT rowid FROM search_fts_words "
                "WHERE search_fts_words MATCH %s)",
                [self.fts_phrase(term.searched, column or "{head body cjk_bigrams}")],
            )
        if len(text) >= 3:
            return (
                "search_searchdocument.id IN (SELECT rowid FROM search_fts_trigram "
                "WHERE search_fts_trigram MATCH %s)",
                [self.fts_phrase(text, column)],
            )
        if len(text) == 2 and not head_only:
            return (
                "search_searchdocument.id IN (SELECT rowid FROM search_fts_words "
                "WHERE search_fts_words MATCH %s)",
                [self.fts_phrase(text, "cjk_bigrams")],
            )
        pattern = like_pattern(text)
        if head_only:
            return "search_searchdocument.head LIKE %s ESCAPE '\\'", [pattern]
        return (
            "(search_searchdocument.head LIKE %s ESCAPE '\\' "
            "OR search_searchdocument.body LIKE %s ESCAPE '\\')",
            [pattern, pattern],
        )

    def similar_words(self, word):
        # No trigram operator here: narrow by length and first or last letter, then
        # let difflib (below, shared with PostgreSQL) choose.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT word FROM search_searchword WHERE length(word) BETWEEN %s AND %s "
                "AND (substr(word, 1, 1) = %s OR substr(word, -1, 1) = %s)",
                [len(word) - 2, len(word) + 2, word[0], word[-1]],
            )
            return [row[0] for row in cursor.fetchall()]


BACKENDS = {b.vendor: b for b in (PostgresBackend, SqliteBackend)}


def backend_for(conn=None):
    conn = conn or connection
    try:
        return BACKENDS[conn.vendor]()
    except KeyError:
        raise NotImplementedError(
            f"Search supports PostgreSQL and SQLite, not {conn.vendor}"
        ) from None


def install(conn, reverse=False):
    """Create (or drop) the database's own search indexes; safe to run again."""
    if conn.vendor not in BACKENDS:
        return
    backend = BACKENDS[conn.vendor]()
    with conn.cursor() as cursor:
        for sql in backend.uninstall_sql if reverse else backend.install_sql:
            cursor.execute(sql)


def suggest(word):
    """Return the indexed word closest to a misspelt word, or None (also for a word of
    the index itself: spelled as written, it is kept when another of the query's words
    is the misspelt one)."""
    word = word.lower()
    similar = backend_for().similar_words(word)
    if word in similar:
        return None
    close = difflib.get_close_matches(word, similar, n=5, cutoff=SUGGESTION_CUTOFF)
    # A word that is the other with letters more at one end is another word, not a slip:
    # "unclosed" is not "closed" misspelt.
    close = [w for w in close if not _affixed(word, w)]
    # Slips rarely fall on the first letter: "alert" is not the model LERT misspelt.
    close = [w for w in close if _same_start(word, w)]
    if not close:
        return None
    # The fewest typing slips first (thougth is one from thought, two from through),
    # unless one a slip further is far more common in the library (FURTHER_SLIP_ODDS):
    # "modle" is "model", not the rare "module"; then the closest by difflib.
    held = document_counts(close)
    return min(
        close,
        key=lambda w: (
            slips(word, w) - math.log1p(held[w]) / math.log(FURTHER_SLIP_ODDS),
            close.index(w),
        ),
    )


def document_counts(words):
    """How many documents every member may read each word is found in: those of the
    shared kinds (the suggestions' own, SHARED_KINDS) and the notes written for everyone
    ("chian" is "chain" in a group whose notes discuss chains of thought). Each kind is
    counted up to COUNTED; one query for all the words.

    Each kind is counted on its own, its name written into the SQL, so that PostgreSQL
    reads its own index (as search.query does)."""
    from notes.models import Note

    from .models import SHARED_KINDS, Kind, SearchDocument

    counted = [
        *(f"kind = '{kind}'" for kind in SHARED_KINDS),
        f"kind = '{Kind.NOTE}' AND visibility = '{Note.Visibility.EVERYONE}'",
    ]
    backend, table, sums, params = backend_for(), SearchDocument._meta.db_table, [], []
    for word in words:
        terms = parse(word)
        if not terms:  # a stop word: never searched, so never found
            sums.append("0")
            continue
        match_sql, match_params = backend.match_all(terms)
        sums.append(
            " + ".join(
                f"(SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE {which} "
                f"AND {match_sql} LIMIT {COUNTED}) AS counted)"
                for which in counted
            )
        )
        params.extend(match_params * len(counted))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(sums)}", params)
        return dict(zip(words, cursor.fetchone(), strict=True))


def _same_start(a, b):
    """Whether the two begin alike: with the same letter, or the first two swapped
    ("hte" for "the")."""
    return a[:1] == b[:1] or (len(a) > 1 and len(b) > 1 and a[:2] == b[1::-1])


def _affixed(a, b):
    short, long = sorted((a, b), key=len)
    return len(long) - len(short) >= 2 and (long.startswith(short) or long.endswith(short))


def slips(typed, word):
    """How many typing slips turn the word into what was typed: its edits(), or one for a
    letter doubled in the wrong place ("lamma" for "llama": two edits, one slip). A last
    letter replaced counts as two: slips spare the ends of a word (as the first letter,
    _same_start), and a word that ends in another letter is rather another form of a
    word than a slip ("llma" is "llama" with a letter left out, not "llms" with its "s"
    replaced). A last letter left out, added or swapped with the one before stays one."""
    if _moved_double(typed, word):
        return 1
    return edits(typed, word, last_replaced=2)


def _moved_double(typed, word):
    """Whether the typed word is the word with its doubled letter written once and
    another letter of it doubled instead."""
    if len(typed) != len(word) or typed == word:
        return False
    for i in range(len(typed) - 1):
        if typed[i] == typed[i + 1]:
            single = typed[:i] + typed[i + 1 :]
            if any(single[: j + 1] + single[j:] == word for j in range(len(single))):
                return True
    return False


def edits(a, b, last_replaced=1):
    """How many letters inserted, deleted, replaced or swapped with the next turn a into
    b (the optimal string alignment distance); replacing the last letter of a by the
    last of b counts ``last_replaced``."""
    previous, current = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        before, previous, current = previous, current, [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            replaced = last_replaced if (i, j) == (len(a), len(b)) else 1
            current[j] = min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (replaced if a[i - 1] != b[j - 1] else 0),
            )
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
    return current[len(b)]
