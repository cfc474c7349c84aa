import gzip
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand
from django.utils import timezone

from core.backup import consistent_snapshot, write_backup


class Command(BaseCommand):
    help = (
        "Write every record (accounts, papers, models, datasets, groups, meetings, notes, "
        "topics, history) to one gzip-compressed JSON file. Restore it with "
        "'manage.py restore FILE' into an empty database. The file holds password hashes "
        "and private notes: keep it as safe as the database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            help="Where to write (a .json.gz name); default var/backups/backup-<time>.json.gz",
        )

    def handle(self, *args, output, **options):
        if output is None:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            output = settings.VAR_DIR / "backups" / f"backup-{stamp}.json.gz"
        if not output.name.endswith(".json.gz"):
            output = output.with_name(output.name + ".json.gz")
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".partial")
        # One snapshot: rows saved meanwhile are either all in or all out.
        with consistent_snapshot(), gzip.open(partial, "wt", encoding="utf-8") as stream:
            counts = write_backup(stream)
        partial.chmod(0o600)
        partial.replace(output)
        total = sum(counts.values())
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {total} records of {len(counts)} kinds to {output}")
        )
