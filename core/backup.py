"""What a backup holds, and how it is written: shared by the backup and restore commands.

A backup is every row of the accounts (users and groups), topics, the admin's log,
the knowledge base, what the groups wrote, the history of changes, and the API's
tokens and sync log (its version counter, the last change of each record, members'
departures), as Django
JSON with natural foreign keys (content types and permissions are recreated by
``migrate``, so they are named, not numbered) and the original primary keys, so a
restore into an empty database gives identical data on SQLite or PostgreSQL. Written
as JSON Lines, one record a line, read back a record at a time. The
search index is derived and rebuilt after a restore; sessions and login-failure
records are not kept.
"""

import datetime
from contextlib import contextmanager

from django.apps import apps
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, transaction
from django.db.models import BinaryField
from django.dispatch import Signal

# These also write history rows that point at deleted records (core/serializers).
from core.serializers.json import Serializer as JSONSerializer
from core.serializers.jsonl import Serializer as JSONLinesSerializer
from core.serializers.python import Serializer as PythonSerializer

# A backup's formats, by the file's name: JSON Lines, which a restore reads a record at a
# time (the default), and one JSON array, which it reads whole (backups made before: a
# site with 300 MB of figures needed 3 GB to restore one).
FORMATS = {".jsonl.gz": JSONLinesSerializer, ".json.gz": JSONSerializer}

BACKUP_APPS = ["auth", "admin", "taggit", "papers", "notes", "api"]
SKIPPED_MODELS = {"auth.permission"}
# Rows that saving the others writes (signals): the API's sync log. A restore loads them
# after the rest, in place of the log that loading the rest wrote: that one numbered
# every record changed anew, from a version below the one clients held, who then missed
# the next changes. The counter's row is made by ``migrate``: it does not make a
# database "not empty".
LOGS = ("api.libraryversion", "api.change", "api.departure")
# Rows this large (a figure's image, up to the upload limit) are read a few at a time.
LARGE_ROWS_CHUNK = 10


# Sent by ``restore`` once the backup's rows and logs are in, inside its transaction,
# with ``log_kept``: whether the backup's logs were put back (a backup made before it
# held them has none): the API's sync marks where the restored library's versions go on
# (api.sync).
restored = Signal()


def backup_models():
    """Return the models a backup holds, in an order loaddata can follow."""
    selected = []
    for label in BACKUP_APPS:
        config = apps.get_app_config(label)
        models = [m for m in config.get_models() if m._meta.label_lower not in SKIPPED_MODELS]
        selected.append((config, models))
    return serializers.sort_dependencies(selected, allow_cycles=True)


def backup_objects(models=None):
    for model in models or backup_models():
        large = any(isinstance(field, BinaryField) for field in model._meta.concrete_fields)
        rows = model._base_manager.order_by(model._meta.pk.name)
        # A thousand figures at once held gigabytes.
        yield from rows.iterator(chunk_size=LARGE_ROWS_CHUNK if large else 1000)


def is_log(model):
    return model._meta.label_lower in LOGS


class FullPrecisionEncoder(DjangoJSONEncoder):
    """Keep microseconds, which Django's encoder cuts to milliseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def write_backup(stream, serializer=JSONLinesSerializer):
    """Serialise every backed-up row to the text stream; return the rows per model."""
    models = backup_models()
    serializer().serialize(
        backup_objects(models),
        stream=stream,
        use_natural_foreign_keys=True,
        cls=FullPrecisionEncoder,
    )
    return {model._meta.label: model._base_manager.count() for model in models}


def snapshot():
    """Return every backed-up row as plain data (for comparing two databases)."""
    return PythonSerializer().serialize(backup_objects(), use_natural_foreign_keys=True)


@contextmanager
def consistent_snapshot(using="default"):
    """Read everything inside as of one moment, while members go on saving.

    PostgreSQL's default READ COMMITTED gives every statement its own snapshot: a note
    saved between the dump of the notes and the dump of their history would be half in
    the file. REPEATABLE READ, READ ONLY gives the whole transaction the snapshot of its
    first query, without blocking or being blocked by writers. SQLite's transaction is
    a snapshot already. Inside an open transaction (a test's) the level cannot change.
    """
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield
