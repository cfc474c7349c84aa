"""Store old-style arXiv IDs as arXiv's API gives them, without a subject class:
math.GT/0309136 becomes math/0309136 (papers.identifiers.normalize_arxiv_id).

The subject class is no part of what names an old-style paper, so a paper stored under
math.GT/0309136 was not found under math/0309136 (the form arXiv's answers give), and
could be added a second time. A paper whose bare ID another paper of the library
already has keeps its ID, and is named on the output: the two are the same paper, for
an organiser to merge; nothing is changed or lost. The history keeps the IDs as they
were. Nothing to undo: the subject class is not known afterwards, and not needed.
The validator of the field takes the stored form alone from now on.
"""

import re

import django.core.validators
from django.db import migrations
from django.db.models import Q

import papers.identifiers

WITH_SUBJECT_CLASS = re.compile(
    r"^(?P<archive>[a-z]+(?:-[a-z]+)*)\.[a-z]+(?:-[a-z]+)?/(?P<number>[0-9]{7})$",
    re.IGNORECASE,
)


def forwards(apps, schema_editor):
    alias = schema_editor.connection.alias
    Paper = apps.get_model("papers", "Paper")
    papers = Paper.objects.using(alias)
    # Old style holds a "/", a subject class a "." before it; new style has no "/".
    stored = (
        papers.filter(Q(arxiv_id__contains="/") & Q(arxiv_id__contains="."))
        .order_by("pk")
        .values_list("pk", "slug", "arxiv_id")
    )
    kept = []
    for pk, slug, arxiv_id in list(stored):
        found = WITH_SUBJECT_CLASS.match(arxiv_id)
        if not found:
            continue
        bare = f"{found['archive'].lower()}/{found['number']}"
        holder = papers.filter(arxiv_id=bare).values_list("pk", "slug").first()
        if holder is None:
            papers.filter(pk=pk).update(arxiv_id=bare)
        else:
            kept.append(
                f"    Paper {pk} ({slug}) keeps the arXiv ID {arxiv_id}: paper {holder[0]} "
                f"({holder[1]}) has {bare}, the same paper; merge the two by hand."
            )
    if kept:  # on lines of their own, after migrate's "Applying …"
        print("\n" + "\n".join(kept))


class Migration(migrations.Migration):
    dependencies = [("papers", "0020_arxiv_ids_of_months_to_come")]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        # The validator takes the stored form alone: no subject class.
        migrations.AlterField(
            model_name='historicalpaper',
            name='arxiv_id',
            field=papers.identifiers.ArxivIdField(blank=True, db_index=True, error_messages={'unique': 'A paper with this arXiv ID is already in the library.'}, help_text='For example 2303.18223, or paste the arXiv link.', max_length=32, null=True, validators=[django.core.validators.RegexValidator(re.compile('^(?:(?:0[7-9]|1[0-4])(?:0[1-9]|1[0-2])\\.[0-9]{4}|(?:1[5-9]|[2-9][0-9])(?:0[1-9]|1[0-2])\\.[0-9]{5}|[a-z]+(?:-[a-z]+)*/[0-9]{7})$'), "Enter an arXiv identifier such as 2303.18223 or hep-th/9901001, or paste the paper's arXiv link.", code='invalid_arxiv_id'), papers.identifiers.validate_arxiv_month], verbose_name='arXiv ID'),
        ),
        migrations.AlterField(
            model_name='paper',
            name='arxiv_id',
            field=papers.identifiers.ArxivIdField(blank=True, error_messages={'unique': 'A paper with this arXiv ID is already in the library.'}, help_text='For example 2303.18223, or paste the arXiv link.', max_length=32, null=True, unique=True, validators=[django.core.validators.RegexValidator(re.compile('^(?:(?:0[7-9]|1[0-4])(?:0[1-9]|1[0-2])\\.[0-9]{4}|(?:1[5-9]|[2-9][0-9])(?:0[1-9]|1[0-2])\\.[0-9]{5}|[a-z]+(?:-[a-z]+)*/[0-9]{7})$'), "Enter an arXiv identifier such as 2303.18223 or hep-th/9901001, or paste the paper's arXiv link.", code='invalid_arxiv_id'), papers.identifiers.validate_arxiv_month], verbose_name='arXiv ID'),
        ),
    ]
