"""Who reads alike, and what a member's pages all ask, kept in the shared cache.

Members of the same groups who wrote no note that is not public may read exactly the
same notes, meetings and comments (``Note.objects.audience_of``): what a page reads
for them (the keys of its notes, a discussion's comments) is kept once per *audience*
(``core.fragments.kept``), so that with many members taking turns only the first of an
audience reads it. A member's audience, groups, roles and own reading statuses are kept per
member until their memberships, notes, account or statuses change.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.http import Http404

from core.compiled import MARKS, compiled_once, compiled_records, read_ahead
from core.fragments import Ref, kept, prefetch, remembered

from .models import Meeting, Membership, Note, ReadingGroup, ReadingStatus


def _member(user):
    return Ref(user._meta.label_lower, user.pk)


def audience(user):
    """Return the text that names what the user may read (``audience_of``)."""
    if not user.is_authenticated:
        return "nobody"
    return remembered(
        ("audience", user.pk),
        lambda: kept(
            "audience",
            [_member(user)],
            ["notes.membership", "notes.note"],
            lambda: Note.objects.audience_of(user),
        ),
    )


READER_SOURCES = ["notes.membership", "notes.note"]
STATUS_SOURCES = ["notes.readingstatus"]


def page_reader(user):
    """Return the text that names what a page shows the member and lets them do
    (settings.PAGECACHE_READER): their audience, role in each group and whether they are
    staff; kept per member (one query when it is not), read once per request."""

    def read():
        text, member_roles = Note.objects.audience_and_roles(user)
        roles_text = ",".join(f"{group}={role}" for group, role in sorted(member_roles.items()))
        staff = f"staff:{user.is_staff:d}{user.is_superuser:d}"
        return text, member_roles, f"{text};roles:{roles_text};{staff}"

    def kept_reader():
        # Read with the member's own statuses, which the page's controls will ask.
        member = [_member(user)]
        prefetch(
            [("page-reader", member, READER_SOURCES), ("own-statuses", member, STATUS_SOURCES)]
        )
        return kept("page-reader", member, READER_SOURCES, read)

    text, member_roles, reader = remembered(("page-reader", user.pk), kept_reader)
    # What the page's view will ask next, read already.
    remembered(("audience", user.pk), lambda: text)
    remembered(("roles", user.pk), lambda: member_roles)
    return reader


def roles(user):
    """Return {group id: the user's role} of the user's groups."""
    if not user.is_authenticated:
        return {}
    return remembered(
        ("roles", user.pk),
        lambda: kept(
            "roles",
            [_member(user)],
            ["notes.membership"],
            lambda: dict(Membership.objects.filter(user=user).values_list("group_id", "role")),
        ),
    )


# The groups of a member of an id: SQL compiled once per process (core.compiled).
_groups_of = compiled_records(lambda pk: ReadingGroup.objects.of(get_user_model()(pk=pk)))


def groups_statements(user):
    """The statement groups() reads for the member when it is not kept, for
    ``core.compiled.read_ahead``."""
    return [_groups_of.statement(user.pk)] if user.is_authenticated else []


def groups(user):
    """Return the user's groups, by name."""
    if not user.is_authenticated:
        return []
    return kept(
        "groups",
        [_member(user)],
        ["notes.membership", "notes.readinggroup"],
        lambda: _groups_of(user.pk),
    )


def own_statuses(user):
    """Return {paper id: (status, changed)} of every status the user set, kept per member
    until a status changes: the controls on every page read it, not the database."""
    if not user.is_authenticated:
        return {}
    return kept(
        "own-statuses",
        [_member(user)],
        STATUS_SOURCES,
        lambda: {
            paper: (status, changed)
            for paper, status, changed in ReadingStatus.objects.of(user).values_list(
                "paper_id", "status", "changed"
            )
        },
    )


# A page's statuses of its papers with the page cache off (a search's results, a
# meeting's papers): the SQL compiled once per process and number of papers
# (core.compiled), not built and compiled on every page (~0.3 ms).
_statuses_sql = compiled_once(
    lambda user_pk, *paper_pks: (
        ReadingStatus.objects.filter(user_id=user_pk, paper_id__in=paper_pks)
        .order_by()
        .values_list("paper_id", "status")
    )
)


def statuses_of(user, paper_ids):
    """Return {paper id: status} of the user's statuses of these papers: from
    own_statuses with the page cache on, else one query."""
    if not settings.PAGECACHE_ENABLED:
        if not paper_ids or not user.is_authenticated or len(paper_ids) >= len(MARKS):
            return ReadingStatus.objects.statuses_of(user, paper_ids)
        with connection.cursor() as cursor:
            cursor.execute(*_statuses_sql(user.pk, *paper_ids))
            return dict(cursor.fetchall())
    own = own_statuses(user)
    return {pk: own[pk][0] for pk in paper_ids if pk in own}


# The statuses a member set of a reading list's papers, by the member's and the list's
# ids: the SQL compiled once per process (core.compiled), not a query of the papers' ids
# built and compiled on every page.
_list_statuses_sql = compiled_once(
    lambda user_pk, list_pk: (
        ReadingStatus.objects.filter(
            user_id=user_pk, paper__reading_list_items__reading_list_id=list_pk
        )
        .order_by()
        .values_list("paper_id", "status")
    )
)


def list_statuses(user, reading_list_id, paper_ids):
    """Return statuses_of(user, paper_ids) for the papers of a reading list (paper_ids);
    with the page cache off, its one query by the list's id (a paper is in a list once)."""
    if settings.PAGECACHE_ENABLED or not paper_ids or not user.is_authenticated:
        return statuses_of(user, paper_ids)
    with connection.cursor() as cursor:
        cursor.execute(*_list_statuses_sql(user.pk, reading_list_id))
        return dict(cursor.fetchall())


def for_audience(name, user, values, models, compute):
    """Return compute() kept for the user's audience (and the vary values): what every
    member who reads alike may read, read once for them all (and the audience not even
    asked with the page cache off)."""
    if not settings.PAGECACHE_ENABLED:
        return compute()
    return kept(*_audience_entry(name, user, values, models), compute)


def _audience_entry(name, user, values, models):
    """(name, vary values, models) of what for_audience() keeps."""
    return name, [audience(user), *values], models


# What a meeting's pages read of it, kept for each audience until one of these changes.
MEETING_SOURCES = [
    "notes.meeting",
    "notes.meeting_papers",
    "notes.meeting_presenters",
    "notes.meetingseries",
    "notes.readinggroup",
    "papers.paper",
    "auth.user",
]


def _meeting_query(reader, group, number):
    # One meeting per group and number: read unordered, not with first()'s ORDER BY.
    return (
        Meeting.objects.visible_to(reader)
        .select_related("group", "paper", "series")
        .filter(group__slug=group, number=number)
        .order_by()[:1]
    )


# _meeting_query()'s SQL compiled once per process: building and compiling it (its
# joins and the read rule's subquery) cost more than reading the row.
_meeting_records = compiled_records(_meeting_query, for_reader=True)


def _prefetched(name):
    """Return ``records_of(meeting id)``: the records that prefetch_related(name) reads
    for the meeting of an id, with the same SQL (so in the same order where it has
    none), compiled once per process."""

    def build(pk):
        meeting = Meeting(pk=pk)
        return getattr(meeting, name).get_prefetch_querysets([meeting])[0]

    return compiled_records(build)


_meeting_related = {name: _prefetched(name) for name in ("papers", "presenters")}


def _read_meeting(user, group, number, also=None):
    if not user.is_authenticated:
        return None  # who may read no meeting (Meeting.objects.visible_to)
    found = next(iter(_meeting_records(user, group, number)), None)
    if found is not None:
        read_ahead(
            *(records_of.statement(found.pk) for records_of in _meeting_related.values()),
            *(also(found) if also else ()),
        )
        found._prefetched_objects_cache = {}
        for name, records_of in _meeting_related.items():
            # What prefetch_related(name) leaves: the manager's queryset, read already.
            queryset = getattr(found, name).all()
            queryset._result_cache, queryset._prefetch_done = records_of(found.pk), True
            found._prefetched_objects_cache[name] = queryset
    return found


def meeting_entry(request, group, number):
    """What meeting() reads for the request, as core.fragments.prefetch() names it: a
    meeting page (core.audiencepage, ``also``) reads it in the same round trip as the
    page, and its member's own parts (the plan, the edit button) then find it read."""
    return [_audience_entry("meeting", request.user, [group, number], MEETING_SOURCES)]


def meeting(user, group, number, also=None):
    """Return the meeting of the group (slug) and number if the user may read it, with
    its group, paper, series, papers and presenters (who may edit it, for every reader),
    kept for the user's audience (and read once per request); else Http404. ``also``: a
    function of the meeting that gives the statements its page will read, named ahead
    (core.compiled.read_ahead) with the meeting's papers and presenters, in their round
    trip when those are read."""
    found = remembered(
        ("meeting", user.pk, group, number),
        lambda: for_audience(
            "meeting",
            user,
            [group, number],
            MEETING_SOURCES,
            lambda: _read_meeting(user, group, number, also),
        ),
    )
    if found is None:
        raise Http404("No meeting matches the given query.")
    if also:  # the meeting kept: its page's statements not named yet (or named again)
        read_ahead(*also(found))
    return found
