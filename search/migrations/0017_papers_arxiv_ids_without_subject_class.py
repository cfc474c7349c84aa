"""The search documents of papers whose old-style arXiv ID lost its subject class in
papers.0021 (math.GT/0309136 → math/0309136) say the ID the paper has now.

Their title text and subtitle still held the ID with its subject class, and a search
for the paper's ID, which is searched without one (search.query.bare_arxiv_ids), found
nothing. Only those two fields change (the other text of a paper holds no arXiv ID);
papers that kept their ID keep their documents as they are.
"""

import re
from itertools import islice

from django.db import migrations

BATCH = 1000
# An old-style ID with a subject class, as papers.0021 read it.
WITH_SUBJECT_CLASS = re.compile(
    r"(?<![\w.-])(?P<archive>[a-z]+(?:-[a-z]+)*)\.[a-z]+(?:-[a-z]+)?/(?P<number>[0-9]{7})",
    re.IGNORECASE,
)


def as_stored(text, stored):
    """Return the text with the paper's ID, where a subject class is written in it, as
    the paper has it now (``stored``); other IDs as they are."""

    def replace(match):
        same = f"{match['archive'].lower()}/{match['number']}" == stored
        return stored if same else match[0]

    return WITH_SUBJECT_CLASS.sub(replace, text)


def forwards(apps, schema_editor):
    alias = schema_editor.connection.alias
    Paper = apps.get_model("papers", "Paper")
    SearchDocument = apps.get_model("search", "SearchDocument")
    documents = (
        SearchDocument.objects.using(alias)
        .filter(kind="papers", head__regex=r"\.[A-Za-z]+(-[a-z]+)?/[0-9]{7}")
        .order_by("pk")
        .only("object_id", "head", "subtitle")
    )
    # A batch at a time: PostgreSQL takes at most 65 535 parameters to a query.
    found = documents.iterator(chunk_size=BATCH)
    while batch := list(islice(found, BATCH)):
        stored = dict(
            Paper.objects.using(alias)
            .filter(pk__in=[document.object_id for document in batch])
            .values_list("pk", "arxiv_id")
        )
        changed = []
        for document in batch:
            arxiv_id = stored.get(document.object_id) or ""
            head = as_stored(document.head, arxiv_id)
            subtitle = as_stored(document.subtitle, arxiv_id)
            if (head, subtitle) != (document.head, document.subtitle):
                document.head, document.subtitle = head, subtitle
                changed.append(document)
        SearchDocument.objects.using(alias).bulk_update(changed, ["head", "subtitle"])


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0016_meeting_numbers_in_english_titles"),
        ("papers", "0021_arxiv_ids_without_subject_class"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
