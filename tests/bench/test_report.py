"""The benchmark's report states the issue's targets for the size of the library."""

from bench.report import members_target, targets
from bench.run import Measure, Page, mean_of


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


def test_the_floor_is_the_mean_of_both_ends_of_a_mode():
    first = Measure(rps=600.0, p50_ms=10.0, p95_ms=20.0, errors=1, queries=1)
    last = Measure(rps=800.0, p50_ms=8.0, p95_ms=16.0, errors=0, queries=1)
    assert mean_of(first, last) == Measure(rps=700.0, p50_ms=9.0, p95_ms=18.0, errors=1, queries=1)
