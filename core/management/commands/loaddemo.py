from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command
from django.db import transaction

from core.rendering import rerender_all


class Command(BaseCommand):
    help = (
        "Load the demo data (every fixture in fixtures/, in name order) in one transaction, "
        "then render the Markdown of what was loaded. Loading again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixtures-dir", default=str(settings.BASE_DIR / "fixtures"), type=Path
        )

    def handle(self, *args, fixtures_dir, **options):
        files = sorted(str(p) for p in Path(fixtures_dir).glob("*.yaml"))
        if not files:
            raise CommandError(f"No fixtures found in {fixtures_dir}")
        try:
            with transaction.atomic():
                call_command("loaddata", *files, verbosity=0)
                rendered = rerender_all()
        except Exception as exc:  # loaddata names the file and the record in its message
            raise CommandError(f"The demo data was not loaded (nothing changed): {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {len(files)} fixture files; rendered {rendered} Markdown records."
            )
        )
