"""A note's links to its topics (taggit's through model) are named: the admin counted them
as "Tagged notes" when a note was deleted. Names only: no column changes."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('notes', '0019_topics_help'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='taggednote',
            options={'verbose_name': 'note topic', 'verbose_name_plural': 'note topics'},
        ),
    ]
