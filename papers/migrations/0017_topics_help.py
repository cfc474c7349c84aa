"""The topics field's help speaks of topics, not of "tags" (taggit's own help text), and
a model's other facts say they are a JSON object. Help texts only: no column changes."""

import taggit.managers
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0016_topic_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.AlterField(
            model_name="dataset",
            name="tags",
            field=taggit.managers.TaggableManager(
                blank=True,
                help_text="Topics, separated by commas; a name not yet in use makes a new topic.",
                through="papers.TaggedDataset",
                to="taggit.Tag",
                verbose_name="topics",
            ),
        ),
        migrations.AlterField(
            model_name="historicallanguagemodel",
            name="facts",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text='Further hyperparameters, as the sources give them: a JSON object of names and values, such as {"activation": "SwiGLU", "context length": 4096}.',
                verbose_name="other facts",
            ),
        ),
        migrations.AlterField(
            model_name="languagemodel",
            name="facts",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text='Further hyperparameters, as the sources give them: a JSON object of names and values, such as {"activation": "SwiGLU", "context length": 4096}.',
                verbose_name="other facts",
            ),
        ),
        migrations.AlterField(
            model_name="languagemodel",
            name="tags",
            field=taggit.managers.TaggableManager(
                blank=True,
                help_text="Topics, separated by commas; a name not yet in use makes a new topic.",
                through="papers.TaggedModel",
                to="taggit.Tag",
                verbose_name="topics",
            ),
        ),
        migrations.AlterField(
            model_name="paper",
            name="tags",
            field=taggit.managers.TaggableManager(
                blank=True,
                help_text="Topics, separated by commas; a name not yet in use makes a new topic.",
                through="papers.TaggedPaper",
                to="taggit.Tag",
                verbose_name="topics",
            ),
        ),
    ]
