"""Keep a local copy of the library in step with the site through its JSON API.

    .venv/bin/python scripts/api_sync.py --url http://127.0.0.1:8000 --token rg_… --state f.json

The first run reads every list (papers, models, datasets, glossary, reading lists,
notes, meetings …) a page at a time and keeps the library version it was read at; each
later run asks /api/v1/sync?since=<version> what changed and was deleted, fetches only
what changed (the lists with ?since=) and drops what was deleted. The copy is a JSON
file: {"version": N, "records": {kind: {key: record}}}.
"""

import argparse
import json
import sys
from pathlib import Path

import httpx

# kind (as /sync names it) → list path and the field that keys a record
KINDS = {
    "papers": ("/papers", "slug"),
    "organizations": ("/organizations", "slug"),
    "models": ("/models", "slug"),
    "datasets": ("/datasets", "slug"),
    "glossary": ("/glossary", "slug"),
    "reading-lists": ("/reading-lists", "slug"),
    "meetings": ("/meetings", "id"),
    "notes": ("/notes", "slug"),
}


def fetch_all(client, path, since=None):
    """Yield every record of a list, page after page; return the version of page 1."""
    params = {"page_size": 200, **({"since": since} if since else {})}
    page, version = 1, None
    records = []
    while True:
        response = client.get(path, params={**params, "page": page})
        response.raise_for_status()
        data = response.json()
        version = data["version"] if version is None else version
        records += data["items"]
        if not data["next"]:
            return records, version
        page += 1


def sync(client, state):
    since = state.get("version", 0)
    records = state.setdefault("records", {})
    if not since:
        versions = []
        for kind, (path, key) in KINDS.items():
            items, version = fetch_all(client, path)
            records[kind] = {str(item[key]): item for item in items}
            versions.append(version)
        # The lowest version any list was read at: later changes come again next time.
        state["version"] = min(versions)
        return {kind: len(items) for kind, items in records.items()}, {}
    answer = client.get("/sync", params={"since": since})
    answer.raise_for_status()
    news = answer.json()
    for kind, keys in news["deleted"].items():
        for k in keys:
            records.get(kind, {}).pop(k, None)
    for kind in news["changed"]:
        if kind not in KINDS:
            continue
        path, key = KINDS[kind]
        items, _version = fetch_all(client, path, since=since)
        records.setdefault(kind, {}).update({str(item[key]): item for item in items})
    state["version"] = news["version"]
    return (
        {kind: len(keys) for kind, keys in news["changed"].items()},
        {kind: len(keys) for kind, keys in news["deleted"].items()},
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--token", required=True)
    parser.add_argument("--state", default="library-sync.json", type=Path)
    args = parser.parse_args()
    state = json.loads(args.state.read_text()) if args.state.exists() else {}
    headers = {"Authorization": f"Bearer {args.token}"}
    with httpx.Client(base_url=args.url.rstrip("/") + "/api/v1", headers=headers) as client:
        try:
            changed, deleted = sync(client, state)
        except httpx.HTTPStatusError as error:
            sys.exit(f"{error.response.status_code}: {error.response.text[:300]}")
    args.state.write_text(json.dumps(state, ensure_ascii=False, indent=1))
    print(f"version {state['version']}; changed {changed or '—'}; deleted {deleted or '—'}")


if __name__ == "__main__":
    main()
