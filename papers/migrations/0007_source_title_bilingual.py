"""A source's title in Chinese and English: the old title becomes the English one."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0006_languagemodel_family_root"),
    ]

    operations = [
        migrations.RenameField(model_name="source", old_name="title", new_name="title_en"),
        migrations.AlterField(
            model_name="source",
            name="title_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="title (English)"),
        ),
        migrations.AddField(
            model_name="source",
            name="title_zh",
            field=models.CharField(blank=True, max_length=300, verbose_name="title (Chinese)"),
        ),
    ]
