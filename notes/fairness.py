"""Who should present next: a fair suggestion for organisers, with the reason shown.

A pure function of the members and the dates they presented, so that it is easy to
test and to reason about: members who have never presented come first; the others by
how long ago they last presented, divided by one more than how many talks they gave in
the past year (a member who presented often waits longer). A member who presents within
two weeks of the meeting to fill (before or after it) is not suggested, and one who
already has a talk planned after it comes last. A talk not given yet (from ``today`` on)
is said to be planned, never "presented".
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

RECENT = datetime.timedelta(days=14)
YEAR = datetime.timedelta(days=365)


@dataclass(frozen=True)
class Suggestion:
    user_id: int
    name: str
    reason: str
    score: float  # higher first; never presented: infinity


def suggest_presenters(members, talks, on, today, limit=3):
    """Return up to ``limit`` Suggestions for a meeting on the date ``on``.

    ``members`` maps user ids to names; ``talks`` is an iterable of (user_id, date) pairs,
    one per meeting presented (past or planned); ``today``: the talks before it were
    given, the others are planned.
    """
    dates = {user_id: [] for user_id in members}
    for user_id, day in talks:
        if user_id in dates:
            dates[user_id].append(day)
    suggestions = []
    for user_id, name in members.items():
        days = dates[user_id]
        if any(abs(day - on) < RECENT for day in days):
            continue
        later = [day for day in days if day > on]
        if later:  # already has a talk after this meeting: last in line
            reason = _("already presents on %(date)s") % {"date": min(later).isoformat()}
            suggestions.append(Suggestion(user_id, name, reason, -float(len(later))))
            continue
        if not days:
            suggestions.append(Suggestion(user_id, name, _("has not presented yet"), float("inf")))
            continue
        last = max(days)
        waited = (on - last).days
        year = sum(1 for day in days if on - day < YEAR)
        if last < today:
            reason = ngettext(
                "last presented on %(date)s, %(days)s days before; %(count)s talk in the past year",
                "last presented on %(date)s, %(days)s days before; "
                "%(count)s talks in the past year",
                year,
            )
        else:  # the talk before this meeting is still to come
            reason = ngettext(
                "will present on %(date)s, %(days)s days before; "
                "%(count)s talk given or planned in the year before",
                "will present on %(date)s, %(days)s days before; "
                "%(count)s talks given or planned in the year before",
                year,
            )
        reason %= {"date": last.isoformat(), "days": waited, "count": year}
        suggestions.append(Suggestion(user_id, name, reason, waited / (1 + year)))
    suggestions.sort(key=lambda s: (-s.score, s.name.lower(), s.user_id))
    return suggestions[:limit]
