"""Print the benchmark's figures and write them into docs/benchmarks.md."""

import datetime
import os
import re
from pathlib import Path


def table(pages):
    floor = next(p for p in pages if p.floor)
    rows = [
        "| page | req/s | p50 ms | p95 ms | throughput ÷ floor | p95 ÷ floor p95 | queries |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    notes = []
    for p in pages:
        if not p.url or not p.rps:
            notes.append(f"- {p.name}: {p.note or 'not measured'}")
            continue
        ratio = p.rps / floor.rps if floor.rps else 0
        p95_ratio = p.p95_ms / floor.p95_ms if floor.p95_ms else 0
        rows.append(
            f"| {p.name} | {p.rps:.0f} | {p.p50_ms:.1f} | {p.p95_ms:.1f} | {ratio:.2f} "
            f"| {p95_ratio:.1f} | {p.queries if p.queries is not None else '–'} |"
        )
        if p.errors:
            notes.append(f"- {p.name}: {p.errors} errors or non-2xx answers")
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


def machine_facts(connection, workers, seconds, connections, threads, counts):
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
        "load": f"wrk -t{threads} -c{connections} -d{seconds}s per page, after a 1 s warm-up",
    }
