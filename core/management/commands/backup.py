import gzip
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand
from django.utils import timezone

from core.backup import FORMATS, consistent_snapshot, write_backup


class Command(BaseCommand):
    help = (
        "Write every record (accounts, papers, models, datasets, groups, meetings, notes, "
        "topics, history, API tokens and sync log) to one gzip-compressed JSON Lines file. "
        "Restore it with "
        "'manage.py restore FILE' into an empty database. The file holds password hashes "
        "and private notes: keep it as safe as the database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            help="Where to write: a .jsonl.gz name (JSON Lines, the default) or .json.gz "
            "(one JSON array, which a restore reads whole); default "
            "var/backups/backup-<time>.jsonl.gz",
        )

    def handle(self, *args, output, **options):
        if output is None:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            output = settings.VAR_DIR / "backups" / f"backup-{stamp}.jsonl.gz"
        ending = next((end for end in FORMATS if output.name.endswith(end)), None)
        if ending is None:
            ending = ".jsonl.gz"
            output = output.with_name(output.name + ending)
        output.parent.mkdir(parents=True, exist_ok=True)
        # One left by a backup killed a day ago or more (no backup runs that long).
        for left in output.parent.glob(f".{output.name}.*.partial"):
            if time.time() - left.stat().st_mtime > 86400:
                left.unlink(missing_ok=True)
        # A file of its own beside the output (two backups at once each write theirs),
        # readable by its owner alone from its first byte (password hashes, private
        # notes), not once it is whole; removed if the backup stops.
        descriptor, name = tempfile.mkstemp(
            dir=output.parent, prefix=f".{output.name}.", suffix=".partial"
        )
        partial = Path(name)
        try:
            # One snapshot: rows saved meanwhile are either all in or all out.
            with (
                consistent_snapshot(),
                open(descriptor, "wb") as raw,
                gzip.open(raw, "wt", encoding="utf-8") as stream,
            ):
                counts = write_backup(stream, FORMATS[ending])
            partial.replace(output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        total = sum(counts.values())
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {total} records of {len(counts)} kinds to {output}")
        )
