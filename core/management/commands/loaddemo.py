import warnings
from pathlib import Path

import yaml
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import BaseCommand, CommandError, call_command
from django.db import transaction
from django.db.models.signals import post_save

from core.rendering import render_raw_save, rerender_all
from papers.models import LanguageModel
from search.index import rebuild as rebuild_search_index

# Fields that, with the model label, name a fixture record that has no slug.
IDENTIFYING_FIELDS = ("group", "number", "content_object", "tag", "reading_list", "paper")
IDENTIFYING_FIELDS += ("model", "dataset", "role", "user", "name")


def describe(record):
    """Return a short name for a fixture record: its model and natural key."""
    if not isinstance(record, dict):
        return repr(record)[:80]
    label = record.get("model", "?")
    fields = record.get("fields") or {}
    if not isinstance(fields, dict):
        return label
    if "pk" in record:
        return f"{label} pk={record['pk']!r}"
    if fields.get("slug"):
        return f"{label} “{fields['slug']}”"
    key = ", ".join(f"{f}={fields[f]!r}" for f in IDENTIFYING_FIELDS if f in fields)
    return f"{label} ({key})" if key else label


def find_broken_record(files):
    """Load the files record by record and return (file, position, record, error) of the
    first record that fails, or None. Runs in a savepoint that is always rolled back."""
    deferred = []  # records linking to others not loaded yet: retried at the end
    with transaction.atomic():
        try:
            for path in files:
                try:
                    records = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
                except Exception as exc:  # a syntax error, or a value YAML cannot read
                    return path, None, None, exc
                for position, record in enumerate(records, start=1):
                    try:
                        for obj in serializers.deserialize(
                            "python", [record], handle_forward_references=True
                        ):
                            obj.save()
                            if obj.deferred_fields:
                                deferred.append((path, position, record, obj))
                    except Exception as exc:
                        return path, position, record, exc
            for path, position, record, obj in deferred:
                try:
                    obj.save_deferred_fields()
                except Exception as exc:
                    return path, position, record, exc
            return None
        finally:
            transaction.set_rollback(True)


def revisioned_models():
    return [m for m in apps.get_models() if any(f.name == "revision" for f in m._meta.fields)]


def snapshot_revisions():
    """Return {model: {pk: revision}} of the records that carry a revision."""
    return {
        model: dict(model.objects.values_list("pk", "revision")) for model in revisioned_models()
    }


def move_revisions_on(before):
    """A record the fixtures overwrote is a new revision: an edit form opened on the old
    text must be refused, not silently win (the fixtures carry no revision of their own)."""
    for model, revisions in before.items():
        for pk, revision in revisions.items():
            model.objects.filter(pk=pk).update(revision=revision + 1)


class Command(BaseCommand):
    help = (
        "Load the demo data (every fixture in fixtures/, in name order) in one transaction, "
        "then render the Markdown of what was loaded. Loading again changes nothing. "
        "A broken fixture stops the load with the file and record named, and nothing changes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixtures-dir", default=str(settings.BASE_DIR / "fixtures"), type=Path
        )

    def handle(self, *args, fixtures_dir, **options):
        files = sorted(str(p) for p in Path(fixtures_dir).glob("*.yaml"))
        if not files:
            raise CommandError(f"No fixtures found in {fixtures_dir}")
        # Records are rendered once, after everything is loaded, so that wiki links to
        # records in later files resolve; rendering each raw save as well would double
        # the time the load takes.
        post_save.disconnect(render_raw_save)
        try:
            with transaction.atomic():
                revisions = snapshot_revisions()
                try:
                    with transaction.atomic(), warnings.catch_warnings():
                        # An empty placeholder file is allowed; loaddata warns about it.
                        warnings.filterwarnings("ignore", "No fixture data found")
                        call_command("loaddata", *files, verbosity=0)
                except Exception as exc:
                    raise CommandError(self.failure_message(files, exc)) from exc
                move_revisions_on(revisions)
                LanguageModel.recompute_family_roots()  # the raw-save hook was off
                rendered = rerender_all()
                # Raw saves are not indexed one by one; index everything once.
                rebuild_search_index()
        finally:
            post_save.connect(render_raw_save)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {len(files)} fixture files; rendered {rendered} Markdown records."
            )
        )

    def failure_message(self, files, exc):
        """Name the file and the record that broke the load (loaddata names only the file,
        and a record without a primary key only as pk=None)."""
        found = find_broken_record(files)
        prefix = "The demo data was not loaded (nothing changed)"
        if found is None:
            return f"{prefix}: {exc}"
        path, position, record, error = found
        if position is None:
            return f"{prefix}: {path} cannot be read as YAML: {error}"
        return f"{prefix}: {path}, record {position} ({describe(record)}): {error}"
