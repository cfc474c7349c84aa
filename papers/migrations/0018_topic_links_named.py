"""The papers', models' and datasets' links to their topics (taggit's through models) are
named: the admin counted them as "Tagged papers" when a paper was deleted, and listed
their permissions as "tagged paper". Names only: no column changes."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('papers', '0017_topics_help'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='taggeddataset',
            options={'verbose_name': 'dataset topic', 'verbose_name_plural': 'dataset topics'},
        ),
        migrations.AlterModelOptions(
            name='taggedmodel',
            options={'verbose_name': 'model topic', 'verbose_name_plural': 'model topics'},
        ),
        migrations.AlterModelOptions(
            name='taggedpaper',
            options={'verbose_name': 'paper topic', 'verbose_name_plural': 'paper topics'},
        ),
    ]
