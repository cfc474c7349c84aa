from django.core.management import BaseCommand
from django.db import connection
from tqdm import tqdm

from bench.synthetic import USERNAME, Generator
from search.index import rebuild


class Command(BaseCommand):
    help = (
        "Generate synthetic, bilingual benchmark data (papers with notes, models, datasets, "
        "meetings, glossary terms) at a chosen scale, then rebuild the search index. "
        f"Also creates the member '{USERNAME}' the load run logs in as."
    )

    def add_arguments(self, parser):
        parser.add_argument("--papers", type=int, default=1000, help="1000, 10000, 100000 …")
        parser.add_argument("--notes-per-paper", type=int, default=3)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--password", default="bench", help=f"for the user '{USERNAME}'")
        parser.add_argument("--dry-run", action="store_true", help="Print the counts only.")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, papers, notes_per_paper, seed, password, dry_run, no_progress, **kw):
        bar = tqdm(total=0, unit="rows", disable=no_progress, file=self.stderr)
        generator = Generator(papers, notes_per_paper, seed, progress=bar.update, password=password)
        counts = generator.counts
        if dry_run:
            self.stdout.write(", ".join(f"{n} {kind}" for kind, n in counts.items()))
            return
        bar.total = sum(counts.values()) + papers * 2 + counts["meetings"]
        bar.set_description("records")
        generator.run()
        bar.close()
        index_bar = tqdm(
            total=sum(counts.values()), unit="docs", disable=no_progress, file=self.stderr
        )
        index_bar.set_description("search index")
        indexed = rebuild(progress=lambda model, n: index_bar.update(n))
        index_bar.close()
        with connection.cursor() as cursor:
            # Planner statistics and PostgreSQL's visibility map (index-only scans) for the
            # new rows now, not whenever autovacuum gets to them.
            vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"Generated {summary}; indexed {sum(indexed.values())} documents.")
        )
