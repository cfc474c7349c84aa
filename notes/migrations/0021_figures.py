"""Figures: images members upload for their notes, kept in the database (notes/figures.py)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notes', '0020_topic_links_named'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Figure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('data', models.BinaryField(verbose_name='image')),
                ('sha256', models.CharField(editable=False, max_length=64, unique=True, verbose_name='SHA-256')),
                ('name', models.CharField(db_index=True, help_text='The file name notes embed it by: ![[name.png]].', max_length=255, verbose_name='name')),
                ('content_type', models.CharField(editable=False, max_length=20, verbose_name='content type')),
                ('width', models.PositiveIntegerField(editable=False, verbose_name='width')),
                ('height', models.PositiveIntegerField(editable=False, verbose_name='height')),
                ('size', models.PositiveIntegerField(editable=False, verbose_name='size')),
                ('created', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('uploaded_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='figures', to=settings.AUTH_USER_MODEL, verbose_name='uploaded by')),
            ],
            options={
                'verbose_name': 'figure',
                'verbose_name_plural': 'figures',
                'ordering': ['-created', '-pk'],
            },
        ),
    ]
