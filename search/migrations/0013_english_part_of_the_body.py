"""Say which part of each document's body is its record's English text where a Chinese
one comes first (``english_part``, search.index.texts): a hit matched by its title alone
shows that part in the English interface, where it showed the Chinese text.

The documents of the records with a text in each language are picked by their records'
keys a batch at a time: PostgreSQL takes at most 65 535 parameters to a query, and the
100k benchmark library holds 100 000 papers with both abstracts."""

from itertools import islice

from django.db import migrations, models

BATCH = 1000

# Each kind's record and its Chinese and English texts, as search.index builds the body.
BILINGUAL = (
    ("papers", "papers", "Paper", "summary_zh", "summary_en"),
    ("models", "papers", "LanguageModel", "description_zh", "description_en"),
    ("datasets", "papers", "Dataset", "description_zh", "description_en"),
    ("glossary", "notes", "GlossaryTerm", "body_zh_html", "body_en_html"),
    ("notes", "notes", "Note", "body_zh_html", "body_en_html"),
    ("meetings", "notes", "Meeting", "body_zh_html", "body_en_html"),
)


def forwards(apps, schema_editor):
    from search.text import html_to_text, plain

    alias = schema_editor.connection.alias
    SearchDocument = apps.get_model("search", "SearchDocument")
    for kind, app, model_name, zh, en in BILINGUAL:
        records = (
            apps.get_model(app, model_name)
            .objects.using(alias)
            .exclude(**{zh: ""})
            .exclude(**{en: ""})
            .order_by("pk")
            .values_list("pk", zh, en)
        )
        text = html_to_text if zh.endswith("_html") else str
        both = (
            pk
            for pk, zh_text, en_text in records.iterator(chunk_size=BATCH)
            if plain(text(zh_text)) and plain(text(en_text))
        )
        while pks := list(islice(both, BATCH)):
            SearchDocument.objects.using(alias).filter(kind=kind, object_id__in=pks).update(
                english_part=1
            )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0012_meeting_group_names_in_each_language"),
        ("notes", "0022_visit_language"),
        ("papers", "0020_arxiv_ids_of_months_to_come"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="english_part",
            field=models.PositiveSmallIntegerField(
                default=0, verbose_name="English part of the body"
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
