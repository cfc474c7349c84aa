"""The benchmark's report states the issue's targets for the size of the library."""

from bench.report import figures_in, members_target, table, targets, write
from bench.run import Measure, Page, measure_of


def measured(name, members, cold, p95=10.0, **kwargs):
    page = Page(name, f"/{name}/", **kwargs)
    page.members.rps, page.cold.rps, page.cold.p95_ms = members, cold, p95
    for mode in ("members", "cold", "repeat"):
        page.measures[mode].queries = 3
    return page


def test_the_many_members_target_is_half_as_high_at_100k_papers():
    assert members_target(10_000) == 0.5
    assert members_target(100_000) == 0.25
    pages = [measured("floor", 1000, 1000, floor=True), measured("paper list", 400, 300)]
    at_10k = targets(pages, {"cold": [110]}, 10_000).splitlines()[2]
    at_100k = targets(pages, {"cold": [110]}, 100_000).splitlines()[2]
    assert "≥ 0.5 × floor | no | paper list 0.40" in at_10k
    assert "≥ 0.25 × floor (half of 0.5 at 100000 papers) | yes | paper list 0.40" in at_100k


def test_a_page_is_judged_against_the_floor_of_its_own_rounds():
    """The machine's speed moves by a third within a minute: a page measured while it ran
    slow is compared with the floor measured between its rounds, not with the floor of
    the whole mode."""
    floor = measured("floor", 1000, 1000, p95=10.0, floor=True)
    page = measured("search", 400, 200, p95=60.0)
    page.members.floor = Measure(rps=800.0, p95_ms=12.0)
    page.cold.floor = Measure(rps=700.0, p95_ms=15.0)
    lines = targets([floor, page], {"cold": [110]}, 10_000).splitlines()
    assert "≥ 0.5 × floor | yes | search 0.50" in lines[2]
    assert "≥ 0.25 × floor (asked at 10k papers) | yes | search 0.29" in lines[3]
    # Asked at 100k papers: shown at 10k, not judged.
    assert "p95 ≤ 5 × the floor's p95 (asked at 100k papers) | — | search 4.00" in lines[4]
    [row] = [line for line in table([floor, page]).splitlines() if line.startswith("| search")]
    assert "| 400 | 0.0 | 0.50 | 200 | 60.0 | 0.29 |" in row
    assert row.endswith("| 4.0 | 3 / 3 / 3 |")


def test_each_target_is_judged_at_the_size_the_issue_asks_it_at():
    """Cold, every key page ≥ 0.25 × the floor at 10k papers; a new search's p95 ≤ 5 × the
    floor's at 100k. Each is shown at the other size, not judged there."""
    floor = measured("floor", 1000, 1000, p95=10.0, floor=True)
    pages = [floor, measured("search", 600, 200, p95=60.0)]
    at_10k = targets(pages, {"cold": [110]}, 10_000).splitlines()
    at_100k = targets(pages, {"cold": [110]}, 100_000).splitlines()
    assert at_10k[3].endswith("(asked at 10k papers) | no | search 0.20 |")
    assert at_100k[3].endswith("(asked at 10k papers) | — | search 0.20 |")
    assert at_10k[4].endswith("(asked at 100k papers) | — | search 6.00 |")
    assert at_100k[4].endswith("(asked at 100k papers) | no | search 6.00 |")


def test_a_pages_rounds_add_up_to_one_measure():
    rounds = [
        {"requests": 600, "duration_us": 2_000_000, "p50_us": 10_000, "p95_us": 20_000,
         "errors": 1, "non2xx": 0},
        {"requests": 1000, "duration_us": 2_000_000, "p50_us": 8_000, "p95_us": 16_000,
         "errors": 0, "non2xx": 2},
    ]  # fmt: skip
    assert measure_of(rounds, queries=1) == Measure(
        rps=400.0, p50_ms=9.0, p95_ms=18.0, errors=3, queries=1
    )


def library(members, cold, queries=3):
    """A run's pages: the floor at 1000 req/s, the paper list at these req/s."""
    floor = measured("floor", 1000, 1000, floor=True)
    page = measured("paper list", members, cold)
    for mode in ("members", "cold", "repeat"):
        page.measures[mode].queries = queries
    return [floor, page]


def test_a_run_is_judged_against_the_reports_run_at_another_size_of_library(tmp_path):
    """Growth: no key page more than 2 × slower (÷ floor) at 100k papers than at 10k, and
    the same queries. The run at 10k keeps its figures in its section of the report; the
    run at 100k, written later, compares its own with them."""
    report = tmp_path / "benchmarks.md"
    write(report, "10k", library(600, 300), {}, {"cold": [110]}, 10_000, (), "postgresql")
    assert "growth" not in report.read_text()  # nothing yet to compare with

    others = figures_in(report, but="100k")
    assert [(o["label"], o["papers"]) for o in others] == [("10k", 10_000)]
    at_100k = library(500, 100, queries=4)
    lines = targets(at_100k, {"cold": [120]}, 100_000, others, "postgresql").splitlines()
    [members] = [line for line in lines if line.startswith("| growth, members")]
    [cold] = [line for line in lines if line.startswith("| growth, cold")]
    [queries] = [line for line in lines if line.startswith("| queries per page the same")]
    assert members == (
        "| growth, members: no key page more than 2 × slower (÷ floor) at 100000 than at "
        "10000 papers (against “10k”) | yes | paper list 1.20 |"
    )
    assert cold.endswith("| no | paper list 3.00 |")
    assert queries == (
        "| queries per page the same at 100000 as at 10000 papers (against “10k”) | no | "
        "paper list 3 → 4 |"
    )

    write(report, "100k", at_100k, {}, {"cold": [120]}, 100_000, others, "postgresql")
    text = report.read_text()
    assert text.count("<!-- bench-figures: ") == 2
    assert "| growth, cold: no key page more than 2 × slower" in text
    # Run again at 10k: compared with the run at 100k, never with its own old section.
    again = figures_in(report, but="10k")
    assert [o["label"] for o in again] == ["100k"]
    lines = targets(library(600, 300), {"cold": [110]}, 10_000, again, "postgresql")
    assert "at 100000 than at 10000 papers (against “100k”) | no | paper list 3.00" in lines


def test_runs_on_another_database_or_at_the_same_size_are_not_compared(tmp_path):
    report = tmp_path / "benchmarks.md"
    write(report, "1k sqlite", library(600, 300), {}, {"cold": [110]}, 1_000, (), "sqlite")
    write(report, "10k", library(600, 300), {}, {"cold": [110]}, 10_000, (), "postgresql")
    others = figures_in(report, but="10k again")
    assert len(others) == 2
    lines = targets(library(100, 50), {"cold": [110]}, 10_000, others, "postgresql")
    assert "growth" not in lines
    # The issue compares 100k papers with 10k: 1k with 10k is no growth target.
    lines = targets(library(100, 50), {"cold": [110]}, 1_000, others, "postgresql")
    assert "growth" not in lines
    lines = targets(library(100, 50), {"cold": [110]}, 100_000, others, "postgresql")
    assert "at 100000 than at 10000 papers (against “10k”)" in lines
    assert "1k sqlite" not in lines
    # A section written before figures were kept is left out.
    report.write_text("<!-- bench:old -->\n### old\n<!-- /bench:old -->\n", encoding="utf-8")
    assert figures_in(report) == []
    assert figures_in(tmp_path / "missing.md") == []


def test_a_pages_name_cannot_end_the_comment_that_keeps_the_figures(tmp_path):
    """The search pages are named with the words searched (--zh, --en): a "-->" among
    them ended the comment, and the next run could not read the figures."""
    report = tmp_path / "benchmarks.md"
    pages = library(600, 300)
    pages[1].name = "search (English: a } --> b)"
    write(report, "10k", pages, {}, {"cold": [110]}, 10_000, (), "postgresql")
    [comment] = [line for line in report.read_text().splitlines() if "bench-figures" in line]
    assert comment.count("-->") == 1 and comment.endswith(" -->")
    [kept] = figures_in(report)
    assert list(kept["pages"]) == ["search (English: a } --> b)"]
