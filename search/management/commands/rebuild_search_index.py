from django.core.management import BaseCommand

from search.index import SOURCES, rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the search index from every paper, model, dataset, glossary term, note "
        "and meeting (after a loaddata, or if the index is in doubt)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be indexed; change nothing."
        )

    def handle(self, *args, dry_run, **options):
        if dry_run:
            for model, source in SOURCES.items():
                self.stdout.write(f"{source.kind}: {model.objects.count()}")
            return
        counts = rebuild()
        summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Indexed {summary}."))
