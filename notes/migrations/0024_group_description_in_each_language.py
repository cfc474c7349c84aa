"""A reading group's description in each language (``description_zh``, ``description_en``),
as a reading list's: one text held both, and the group's page showed it mixed to every
reader. A group's text moves to the side of the language most of its letters are in (a
Chinese character counted as a short English word, as core.language.text_language); a
text of both languages goes there whole, to be split in the admin."""

import re

from django.db import migrations, models

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")


def side(text):
    return "zh" if len(CJK.findall(text)) * 3 >= len(LATIN.findall(text)) else "en"


def forwards(apps, schema_editor):
    ReadingGroup = apps.get_model("notes", "ReadingGroup")
    for group in ReadingGroup.objects.using(schema_editor.connection.alias).exclude(description=""):
        setattr(group, f"description_{side(group.description)}", group.description)
        group.save(update_fields=["description_zh", "description_en"])


def backwards(apps, schema_editor):
    ReadingGroup = apps.get_model("notes", "ReadingGroup")
    groups = ReadingGroup.objects.using(schema_editor.connection.alias)
    for group in groups.exclude(description_zh="", description_en=""):
        group.description = "\n\n".join(t for t in (group.description_en, group.description_zh) if t)
        group.save(update_fields=["description"])


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0023_note_author_name_zh"),
    ]

    operations = [
        migrations.AddField(
            model_name="readinggroup",
            name="description_zh",
            field=models.TextField(blank=True, verbose_name="description (Chinese)"),
        ),
        migrations.AddField(
            model_name="readinggroup",
            name="description_en",
            field=models.TextField(blank=True, verbose_name="description (English)"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="readinggroup", name="description"),
    ]
