from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings

from bench import report
from bench.run import LOCMEM, MEMBERS, MODES, ROUNDS, count_queries, key_pages, run
from bench.synthetic import PREFIX, USERNAME
from notes.models import Meeting, Membership, Note, ReadingList, ReadingListItem
from papers.models import Dataset, LanguageModel, Paper


class Command(BaseCommand):
    help = (
        "Serve the site with gunicorn (no debug) on 127.0.0.1 and load each key page with wrk "
        f"in three modes: {MEMBERS} members' sessions taking turns (shared fragments, no "
        "page of their own), cold (nothing cached) and one member repeating (page cache "
        "on); print requests/s, p50/p95 latency, the ratio to the floor, the queries per "
        "page, the workers' memory and the targets met, and write them into "
        "docs/benchmarks.md. Run bench_data first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--label", help="Section name in the report, e.g. '10k papers'.")
        parser.add_argument("--report", default="docs/benchmarks.md")
        parser.add_argument("--no-report", action="store_true")
        parser.add_argument("--password", default="bench")
        parser.add_argument("--workers", type=int, default=4)
        parser.add_argument(
            "--seconds", type=int, default=2, help="Seconds of each round of a page and its floor."
        )
        parser.add_argument(
            "--rounds",
            type=int,
            default=ROUNDS,
            help="Rounds of each page, each after a round of the floor (its ratios are to them).",
        )
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--threads", type=int, default=2)
        parser.add_argument("--zh", default="思维链", help="Chinese search query")
        parser.add_argument("--en", default="instruction tuning", help="English search query")
        parser.add_argument(
            "--pages",
            nargs="+",
            metavar="WORDS",
            help="Only the pages whose name holds one of these words (and the floors); "
            "prints the figures, writes no report.",
        )
        parser.add_argument(
            "--modes",
            nargs="+",
            choices=list(MODES),
            help="Only these modes (default: all); prints the figures, writes no report.",
        )

    @override_settings(CACHES=LOCMEM)  # this process's saves leave the project's cache alone
    def handle(self, *args, **o):
        User = get_user_model()
        member = User.objects.filter(username=USERNAME).first()
        if member is None:
            raise CommandError("No benchmark data: run manage.py bench_data --papers 1000 first.")
        admin, created = User.objects.get_or_create(
            username=f"{PREFIX}admin", defaults={"is_staff": True, "is_superuser": True}
        )
        if created or not admin.check_password(o["password"]):
            admin.set_password(o["password"])
            admin.save()
        others = self.members(member)
        self.reading_list()
        counts = {
            "papers": Paper.objects.count(),
            "notes": Note.objects.count(),
            "models": LanguageModel.objects.count(),
            "datasets": Dataset.objects.count(),
            "meetings": Meeting.objects.count(),
        }
        label = o["label"] or f"{counts['papers']} papers on {connection.vendor}"
        pages = key_pages(o["zh"], o["en"])
        if o["pages"]:
            pages = [p for p in pages if p.floor or any(w in p.name for w in o["pages"])]
        o["modes"] = o["modes"] or list(MODES)
        count_queries(pages, member, admin, others)
        connection.close()  # gunicorn's workers open their own
        try:
            cache, memory = run(pages, member, admin, others, o["password"], o, self.stdout.write)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        facts = report.machine_facts(connection, o, counts, cache)
        if o["pages"] or len(o["modes"]) < len(MODES):  # a quick look: the log's lines only
            self.stdout.write("\n" + report.ratios(pages, o["modes"]))
            return
        # The growth targets: against the report's sections at another size of library,
        # measured with the same database and cache.
        sections = report.figures_in(o["report"], but=label)
        setup = f"{connection.vendor}; {cache}"
        self.stdout.write("\n" + report.table(pages))
        self.stdout.write("\n" + report.targets(pages, memory, counts["papers"], sections, setup))
        if not o["no_report"]:
            report.write(
                o["report"], label, pages, facts, memory, counts["papers"], sections, setup
            )
            self.stdout.write(self.style.SUCCESS(f"\nWrote section “{label}” of {o['report']}."))

    def members(self, member):
        """Return MEMBERS members of the benchmark's group (made once, no password)."""
        group = Membership.objects.filter(user=member).first().group
        User = get_user_model()
        names = [f"{PREFIX}member-{i}" for i in range(MEMBERS)]
        existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
        unusable = make_password(None)
        User.objects.bulk_create(
            [User(username=name, password=unusable) for name in names if name not in existing]
        )
        users = list(User.objects.filter(username__in=names).order_by("username"))
        joined = set(Membership.objects.filter(group=group).values_list("user_id", flat=True))
        Membership.objects.bulk_create(
            [Membership(group=group, user=user) for user in users if user.pk not in joined]
        )
        return users

    def reading_list(self):
        """Make a reading list of 30 papers if the data has none."""
        if ReadingList.objects.exists():
            return
        reading_list = ReadingList.objects.create(
            slug=f"{PREFIX}list", title_en="Benchmark reading list", title_zh="基准阅读清单"
        )
        papers = Paper.objects.order_by("pk")[:30]
        ReadingListItem.objects.bulk_create(
            ReadingListItem(reading_list=reading_list, paper=paper, position=i + 1)
            for i, paper in enumerate(papers)
        )
