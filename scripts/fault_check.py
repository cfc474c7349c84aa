#!/usr/bin/env python3
"""The load test's look into a database (DATABASE_URL), run as a separate process.

    fault_check.py info    < {"group": "load-test"}   → the group's id, some papers' ids
    fault_check.py check   < what the members sent    → what is missing or half-written

``check`` reads JSON on stdin: ``notes`` ({slug: [[body, acknowledged], …]} in the order
sent), ``meetings`` ({title: [paper ids]}, every meeting sent) and ``acknowledged_meetings``
(titles), ``authors`` (usernames). It prints JSON:

- ``lost``: acknowledged saves that are not in the database: a note's text missing from
  its history, a note whose text is older than its last acknowledged save, an
  acknowledged meeting that does not exist;
- ``half_written``: what no save may leave behind, acknowledged or not: a note whose text
  is not its latest history row (or has none), a history row of a note that is not
  there, a meeting whose papers are not the ones sent, or without a history row;
- ``found``: the acknowledged note saves and meetings that are there.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def info(request):
    from notes.models import ReadingGroup
    from papers.models import Paper

    group = ReadingGroup.objects.get(slug=request["group"])
    papers = list(Paper.objects.order_by("pk").values_list("pk", flat=True)[:30])
    return {"group": group.pk, "papers": papers}


def check(request):
    from notes.models import Meeting, Note

    lost, half, found = [], [], 0
    sent = request["notes"]
    notes = {n.slug: n for n in Note.objects.filter(slug__in=list(sent))}
    history = {}
    for slug, body in Note.history.filter(slug__in=list(sent)).values_list("slug", "body_en"):
        history.setdefault(slug, set()).add(body)
    for slug, saves in sent.items():
        acknowledged = [i for i, (_, ack) in enumerate(saves) if ack]
        if not acknowledged:
            continue
        note = notes.get(slug)
        for i in acknowledged:
            if saves[i][0] in history.get(slug, set()) and note is not None:
                found += 1
            else:
                lost.append(f"note {slug}: save {i + 1} not in its history")
        # Now: the last acknowledged text, or one sent after it (unanswered, yet committed).
        possible = {body for body, _ in saves[acknowledged[-1] :]}
        if note is None or note.body_en not in possible:
            lost.append(f"note {slug}: its text is older than its last acknowledged save")

    # Half-written records: every note of the load test's authors, answered or not.
    authored = Note.objects.filter(author__username__in=request["authors"])
    latest = {}
    for note_id, body, kind in (
        Note.history.filter(id__in=authored.values("pk"))
        .order_by("history_id")
        .values_list("id", "body_en", "history_type")
    ):
        latest[note_id] = (body, kind)
    for note in authored:
        if latest.get(note.pk, (None,))[0] != note.body_en:
            half.append(f"note {note.slug}: its text is not its latest history row")
    ids = set(authored.values_list("pk", flat=True))
    orphans = (
        Note.history.filter(history_user__username__in=request["authors"])
        .exclude(id__in=ids)
        .exclude(history_type="-")
        .values_list("id", flat=True)
        .distinct()
    )
    half += [f"note #{pk}: history rows without the note" for pk in orphans]

    expected = request["meetings"]
    meetings = Meeting.objects.filter(title_en__in=list(expected)).prefetch_related("papers")
    stored = {m.title_en: m for m in meetings}
    with_history = set(
        Meeting.history.filter(title_en__in=list(expected)).values_list("title_en", flat=True)
    )
    for title, meeting in stored.items():
        if sorted(p.pk for p in meeting.papers.all()) != sorted(expected[title]):
            half.append(f"meeting {title}: papers {[p.pk for p in meeting.papers.all()]}")
        if title not in with_history:
            half.append(f"meeting {title}: no history row")
    for title in request["acknowledged_meetings"]:
        if title in stored:
            found += 1
        else:
            lost.append(f"meeting {title}: acknowledged, not in the database")
    return {
        "lost": lost,
        "half_written": half,
        "found": found,
        "notes": authored.count(),
        "meetings": len(stored),
    }


if __name__ == "__main__":
    setup()
    action = {"info": info, "check": check}[sys.argv[1]]
    print(json.dumps(action(json.load(sys.stdin))))
