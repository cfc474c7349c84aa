"""Print the benchmark's figures and write them into docs/benchmarks.md."""

import datetime
import os
import re
from pathlib import Path


def table(pages):
    """One row per page: warm (page cache on) and cold (off), each against its own floor."""
    floor = next(p for p in pages if p.floor)
    rows = [
        "| page | page cache | warm req/s | warm p95 ms | warm ÷ floor "
        "| warm p95 ÷ floor p95 "
        "| cold req/s | cold p50 ms | cold p95 ms | cold ÷ floor | cold p95 ÷ floor p95 "
        "| queries cold / warm |",
        "| --- | :---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    notes = []

    def ratio(a, b):
        return a / b if b else 0

    for p in pages:
        if not p.url or not p.cold.rps:
            notes.append(f"- {p.name}: {p.note or 'not measured'}")
            continue
        queries = "–" if p.cold.queries is None else f"{p.cold.queries} / {p.warm.queries}"
        rows.append(
            f"| {p.name} | {'yes' if p.page_cached else 'no'} "
            f"| {p.warm.rps:.0f} | {p.warm.p95_ms:.1f} | {ratio(p.warm.rps, floor.warm.rps):.2f} "
            f"| {ratio(p.warm.p95_ms, floor.warm.p95_ms):.1f} "
            f"| {p.cold.rps:.0f} | {p.cold.p50_ms:.1f} | {p.cold.p95_ms:.1f} "
            f"| {ratio(p.cold.rps, floor.cold.rps):.2f} "
            f"| {ratio(p.cold.p95_ms, floor.cold.p95_ms):.1f} | {queries} |"
        )
        if p.warm.errors or p.cold.errors:
            notes.append(
                f"- {p.name}: {p.warm.errors} (warm) and {p.cold.errors} (cold) errors "
                "or non-2xx answers"
            )
        if p.note:
            notes.append(f"- {p.name}: {p.note}")
    return "\n".join(rows + ([""] + notes if notes else []))


def section(label, pages, facts):
    lines = [f"<!-- bench:{label} -->", f"### {label}", ""]
    lines += [f"- {k}: {v}" for k, v in facts.items()]
    lines += ["", table(pages), f"<!-- /bench:{label} -->"]
    return "\n".join(lines)


def write(path, label, pages, facts):
    """Replace (or append) this scale's section of the report."""
    path = Path(path)
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    new = section(label, pages, facts)
    pattern = re.compile(
        rf"<!-- bench:{re.escape(label)} -->.*?<!-- /bench:{re.escape(label)} -->", re.S
    )
    text = (
        pattern.sub(lambda m: new, text)
        if pattern.search(text)
        else text.rstrip() + "\n\n" + new + "\n"
    )
    path.write_text(text, encoding="utf-8")


def machine_facts(connection, workers, seconds, connections, threads, counts, cache):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        version = cursor.fetchone()[0].split()[0]
    return {
        "date": datetime.date.today().isoformat(),
        "data": ", ".join(f"{n} {kind}" for kind, n in counts.items()),
        "database": f"{connection.vendor} {version}",
        "machine": f"{os.cpu_count()} cores (nproc), load tool and server on the same machine",
        "server": f"gunicorn, {workers} sync workers, DJANGO_DEBUG=0, whitenoise static files",
        "cache": cache,
        "load": f"wrk -t{threads} -c{connections} -d{seconds}s per page and mode, "
        "after a 1 s warm-up",
        "modes": "warm = page cache on (a member re-visiting a page); cold = DJANGO_PAGECACHE=0 "
        "(every request renders the page); each against the floor of its own run",
    }
