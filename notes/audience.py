"""Who reads alike, and what a member's pages all ask, kept in the shared cache.

Members of the same groups who wrote no note that is not public may read exactly the
same notes, meetings and comments (``Note.objects.audience_of``): what a page reads
for them (the keys of its notes, a discussion's comments) is kept once per *audience*
(``core.fragments.kept``), so that with many members taking turns only the first of an
audience reads it. A member's audience, groups and roles are kept per member until
their memberships, notes or account change.
"""

from django.conf import settings

from core.fragments import Ref, kept

from .models import Membership, Note, ReadingGroup


def _member(user):
    return Ref(user._meta.label_lower, user.pk)


def audience(user):
    """Return the text that names what the user may read (``audience_of``)."""
    if not user.is_authenticated:
        return "nobody"
    return kept(
        "audience",
        [_member(user)],
        ["notes.membership", "notes.note"],
        lambda: Note.objects.audience_of(user),
    )


def roles(user):
    """Return {group id: the user's role} of the user's groups."""
    if not user.is_authenticated:
        return {}
    return kept(
        "roles",
        [_member(user)],
        ["notes.membership"],
        lambda: dict(Membership.objects.filter(user=user).values_list("group_id", "role")),
    )


def groups(user):
    """Return the user's groups, by name."""
    if not user.is_authenticated:
        return []
    return kept(
        "groups",
        [_member(user)],
        ["notes.membership", "notes.readinggroup"],
        lambda: list(ReadingGroup.objects.of(user)),
    )


def for_audience(name, user, values, models, compute):
    """Return compute() kept for the user's audience (and the vary values): what every
    member who reads alike may read, read once for them all (and the audience not even
    asked with the page cache off)."""
    if not settings.PAGECACHE_ENABLED:
        return compute()
    return kept(name, [audience(user), *values], models, compute)
