"""The topics field's help speaks of topics, not of "tags" (taggit's own help text). The
help only: no column changes."""

import taggit.managers
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("notes", "0018_note_tags_named_topics"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.AlterField(
            model_name="note",
            name="tags",
            field=taggit.managers.TaggableManager(
                blank=True,
                help_text="Topics, separated by commas; a name not yet in use makes a new topic.",
                through="notes.TaggedNote",
                to="taggit.Tag",
                verbose_name="topics",
            ),
        ),
    ]
