import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from ...importing import arxiv, dedupe
from ...importing import plan as importing
from ...importing.records import ServiceError, without_nul
from ...models import Harvest, Paper
from ._importing import add_common_arguments, added_by, check, report


class Command(BaseCommand):
    help = (
        "Add papers from arXiv: by ID or link (import_arxiv 2303.18223 hep-th/9901001 "
        "[--file ids.txt]), or a whole category through OAI-PMH (import_arxiv --category "
        "cs.CL --since 2024-01-01; resumable and idempotent). Exits non-zero, naming the "
        "entry, when an ID is malformed or unknown; nothing is saved then."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", metavar="ID_OR_URL")
        parser.add_argument("--file", help="a file of IDs or links, one per line (# comments)")
        parser.add_argument("--category", help="harvest an arXiv category, e.g. cs.CL")
        parser.add_argument("--since", help="with --category: from this date (YYYY-MM-DD)")
        parser.add_argument(
            "--refresh",
            action="store_true",
            help="update papers of the library (these IDs, or all) to arXiv's latest version",
        )
        add_common_arguments(parser)

    def handle(self, *args, **options):
        user = added_by(options["user"])
        self.quiet = options["verbosity"] == 0
        if options["category"]:
            if options["ids"] or options["file"]:
                raise CommandError("Give IDs or --category, not both.")
            return self.harvest(options["category"], options["since"], user, options["dry_run"])
        ids = list(options["ids"])
        if options["file"]:
            try:
                with open(options["file"], encoding="utf-8") as lines:
                    # A NUL is dropped, as the importer drops it from a paste.
                    read = [without_nul(line).split("#")[0].strip() for line in lines]
                    ids += [line for line in read if line]
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"Cannot read {options['file']}: {error}") from error
        if options["refresh"]:
            return self.refresh(ids)
        if not ids:
            raise CommandError("Give arXiv IDs or links, --file, or --category.")
        malformed = [text for text in ids if importing.identify(text).kind != "arxiv"]
        if malformed:
            raise CommandError("Not arXiv IDs or links: " + ", ".join(malformed))
        with tqdm(total=len(ids), unit="ID", disable=self.quiet, desc="arXiv") as bar:
            plan = importing.build("\n".join(ids), progress=bar.update, limit=None)
        check(plan, self, options["skip_invalid"])
        report(self, plan, options["dry_run"], user)

    def refresh(self, ids):
        papers = Paper.objects.exclude(arxiv_id=None).order_by("pk")
        if ids:
            papers = papers.filter(arxiv_id__in=[importing.identify(i).lookup for i in ids])
        try:
            result = importing.refresh(list(papers))
        except ServiceError as error:
            raise CommandError(str(error)) from error
        for paper in result.updated:
            self.stdout.write(f"  updated: {paper.arxiv_id} → v{paper.arxiv_version}")
        for paper in result.missing:
            self.stderr.write(f"  arXiv has no paper {paper.arxiv_id}")
        for note in result.notes:
            self.stderr.write(f"  {note}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(result.updated)} papers updated, {len(result.current)} already current."
            )
        )

    def harvest(self, category, since, user, dry_run):
        try:
            since = datetime.date.fromisoformat(since) if since else None
        except ValueError as error:
            raise CommandError(f"--since {since!r} is not a date (YYYY-MM-DD).") from error
        if since is None:
            raise CommandError("--category needs --since YYYY-MM-DD.")
        state, _created = Harvest.objects.get_or_create(category=category, since=since)
        if state.finished_at:  # harvested before: go on from the last record seen
            state.finished_at, state.resumption_token = None, ""
        start = state.last_datestamp or since
        bar = tqdm(unit="record", disable=self.quiet, desc=category)
        added = 0
        try:
            while True:
                try:
                    page = arxiv.list_records(category, start, state.resumption_token)
                except ServiceError as error:
                    if state.resumption_token and "badResumptionToken" in str(error):
                        state.resumption_token = ""  # expired: ask again from the date
                        continue
                    raise CommandError(f"{error} (harvest saved; run again to resume)") from error
                if page.complete_size and bar.total != page.complete_size:
                    bar.total = page.complete_size
                bar.update(len(page.records))
                added += self.save_page(state, page, user, dry_run)
                if not page.token:
                    break
        finally:
            bar.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"{category} since {since}: {state.records} records read, {added} papers "
                f"added{' (dry run: nothing saved)' if dry_run else ''}."
            )
        )

    def save_page(self, state, page, user, dry_run):
        """Add a page's new records and remember where the harvest stands, together. The
        values left out of them (``fit``) are named, on a dry run too, as the other
        imports name them (_importing.report)."""
        records = [record for record in page.records if not record.withdrawn]
        found = dedupe.find_existing(records)
        new, seen = [], dedupe.Seen()
        for record, paper in zip(records, found, strict=True):
            if paper is None and seen.first(record, record) is None:
                new.append(record)
        for record in new:
            entry = record.arxiv_id  # as arXiv gave it, should fit() leave it out
            for note in importing.fit(record):
                self.stdout.write(f"  {entry}: {note}")
        if dry_run:
            for record in new:
                self.stdout.write(f"  new: {record.arxiv_id}: {record.title}")
            state.records += len(page.records)
            return len(new)
        with transaction.atomic():
            taken = set()
            for record in new:
                importing.create_paper(record, user, taken)
            state.resumption_token = page.token
            state.pages += 1
            state.records += len(page.records)
            state.added += len(new)
            if page.last_datestamp:
                state.last_datestamp = datetime.date.fromisoformat(page.last_datestamp[:10])
            state.finished_at = None if page.token else timezone.now()
            state.save()
        return len(new)
