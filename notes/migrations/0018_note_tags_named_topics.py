"""A note's tags are named topics, as the papers', models' and datasets' are (they are
the same taggit tags): the admin's note form and filter read "tags" beside "topics"
everywhere else. The label only: no column changes."""

import taggit.managers
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0017_time_zone_any_case"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.AlterField(
            model_name="note",
            name="tags",
            field=taggit.managers.TaggableManager(
                blank=True,
                help_text="A comma-separated list of tags.",
                through="notes.TaggedNote",
                to="taggit.Tag",
                verbose_name="topics",
            ),
        ),
    ]
