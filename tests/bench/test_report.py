"""The benchmark's report states the issue's targets for the size of the library."""

from bench.report import members_target, table, targets
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
    assert "≥ 0.25 × floor | yes | search 0.29" in lines[3]
    assert "p95 ≤ 5 × the floor's p95 | yes | search 4.00" in lines[4]
    [row] = [line for line in table([floor, page]).splitlines() if line.startswith("| search")]
    assert "| 400 | 0.0 | 0.50 | 200 | 60.0 | 0.29 |" in row
    assert row.endswith("| 4.0 | 3 / 3 / 3 |")


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
