from collections import Counter
from pathlib import Path

import yaml
from django.conf import settings
from django.core import serializers
from django.core.management import BaseCommand, CommandError
from django.db import transaction
from django.db.models.signals import m2m_changed, post_save

from core.history import record_initial_history, record_missing_initial_history
from core.models import RenderedMarkdown
from core.pagecache import changes_batched
from core.rendering import render_raw_save
from core.wikilinks import Index
from papers.models import LanguageModel, Paper
from search.index import rebuild as rebuild_search_index
from search.signals import index_relinked

# libyaml's safe loader where PyYAML was built with it (its wheels are): the same records,
# read ten times faster than by the pure-Python one.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

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


class LoadError(Exception):
    def __init__(self, path, position, record, error):
        self.path, self.position, self.record, self.error = path, position, record, error

    def __str__(self):
        if self.position is None:
            return f"{self.path} cannot be read as YAML: {self.error}"
        return f"{self.path}, record {self.position} ({describe(self.record)}): {self.error}"


def _described(text, error):
    """The error as the pure-Python loader describes it, which quotes the line and marks
    the place (libyaml's gives the line and column only), else ``error``."""
    if SafeLoader is yaml.SafeLoader or not isinstance(error, yaml.YAMLError):
        return error
    try:
        yaml.safe_load(text)
    except yaml.YAMLError as described:
        return described
    return error


def _exists(obj):
    """Whether the deserialised record is already in the database (by its natural key,
    which the deserialiser turned into the stored record's primary key, or its own pk)."""
    return obj.pk is not None and type(obj)._default_manager.filter(pk=obj.pk).exists()


def load_missing(files):
    """Save the fixture records that the database does not hold yet, and nothing else:
    a record that exists (by natural key) is left exactly as it is, with its links.
    Return (the added objects, how many records were already there). Raise LoadError
    naming the file and record that cannot be loaded."""
    added, kept, deferred, seen, to_check = [], 0, [], set(), []
    for path in files:
        text = ""
        try:
            text = Path(path).read_text(encoding="utf-8")
            records = yaml.load(text, Loader=SafeLoader) or []
        except Exception as exc:  # a syntax error, or a value YAML cannot read
            raise LoadError(path, None, None, _described(text, exc)) from exc
        for position, record in enumerate(records, start=1):
            try:
                for obj in serializers.deserialize(
                    "python", [record], handle_forward_references=True
                ):
                    if _exists(obj.object):
                        # A record repeated in the fixtures is not one the database held.
                        kept += (type(obj.object), obj.object.pk) not in seen
                        if obj.deferred_fields:  # its links are checked, never written
                            to_check.append((path, position, record))
                        continue
                    obj.save()
                    added.append(obj.object)
                    seen.add((type(obj.object), obj.object.pk))
                    if obj.deferred_fields:
                        deferred.append((path, position, record, obj))
            except LoadError:
                raise
            except Exception as exc:
                raise LoadError(path, position, record, exc) from exc
    for path, position, record, obj in deferred:
        try:
            obj.save_deferred_fields()
        except Exception as exc:
            raise LoadError(path, position, record, exc) from exc
    for path, position, record in to_check:
        try:  # every record it names must exist now
            list(serializers.deserialize("python", [record]))
        except Exception as exc:
            raise LoadError(path, position, record, exc) from exc
    return added, kept


def render_added(objects):
    """Render the Markdown of the added records, wiki links resolved against everything."""
    written = [obj for obj in objects if isinstance(obj, RenderedMarkdown)]
    if not written:
        return 0
    resolve = Index()
    for obj in written:
        obj.render_markdown(resolve_wikilink=resolve)
        type(obj).objects.filter(pk=obj.pk).update(
            **{field: getattr(obj, field) for field in obj.stored_fields()}
        )
        obj.record_mentions()
    return len(written)


class Command(BaseCommand):
    help = (
        "Load the demo data (every fixture in fixtures/, in name order) in one transaction: "
        "add the records the database does not hold yet and leave every existing one as it "
        "is, so that no edit is undone. Added records are rendered, get a first version in "
        "their history and are indexed for search. A broken fixture stops the load with the "
        "file and record named, and nothing changes."
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
        # records in later files resolve.
        post_save.disconnect(render_raw_save)
        # Nor indexed one by one as their topics and organisations are linked: the index
        # is rebuilt once at the end.
        m2m_changed.disconnect(index_relinked)
        try:
            with transaction.atomic(), changes_batched():
                try:
                    added, kept = load_missing(files)
                except LoadError as exc:
                    raise CommandError(
                        f"The demo data was not loaded (nothing changed): {exc}"
                    ) from exc
                LanguageModel.recompute_family_roots()  # not in the fixtures
                Paper.assign_missing_citation_keys()
                rendered = render_added(added)
                record_initial_history(added)
                # Records loaded before loads kept a history get their first version too.
                record_missing_initial_history()
                if added:
                    # Raw saves are not indexed one by one; index everything once.
                    rebuild_search_index()
        finally:
            post_save.connect(render_raw_save)
            m2m_changed.connect(index_relinked)
        self.report(files, added, kept, rendered)

    def report(self, files, added, kept, rendered):
        kinds = Counter(type(obj)._meta.label for obj in added)
        if not added:
            self.stdout.write(
                self.style.SUCCESS(
                    f"The demo data is all there already ({kept} records, left as they are)."
                )
            )
            return
        what = ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {len(files)} fixture files: added {len(added)} records ({what}); "
                f"rendered {rendered} Markdown records."
            )
        )
        if kept:
            self.stdout.write(
                f"{kept} records were already in the database and were left as they are."
            )
