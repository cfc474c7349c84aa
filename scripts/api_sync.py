"""Keep a local copy of the library in step with the site through its JSON API.

    .venv/bin/python scripts/api_sync.py --url http://127.0.0.1:8000 --token rg_… --state f.json

The first run reads every list (papers, models, datasets, glossary, reading lists,
notes, meetings …) a page at a time and keeps the library version it was read at; each
later run asks /api/v1/sync?since=<version> what changed and was deleted, fetches only
what changed (the lists with ?since=) and drops what was deleted. The copy is a JSON
file: {"version": N, "records": {kind: {key: record}}}. Over the rate limit it waits as
the API says (Retry-After); a version the library no longer knows (410: it was restored
from a backup) starts the copy again.
"""

import argparse
import json
import sys
import time
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


PAGE_SIZE = 200  # the most the API gives
READINGS = 5  # of a list that changes while it is read, before giving up
WAITS = 10  # over the rate limit, before giving up


def get(client, path, params=None):
    """The JSON answer to a GET. Over the rate limit (429), wait the seconds Retry-After
    says and ask again: a first sync of a large library asks more than a minute's share."""
    for _wait in range(WAITS):
        response = client.get(path, params=params)
        if response.status_code != 429:
            break
        time.sleep(int(response.headers.get("Retry-After") or 1))
    response.raise_for_status()
    return response.json()


def fetch_all(client, path, since=None):
    """Return every record of a list, page after page, and the library version of page 1.
    A list whose records changed while it was read (sync names its kind changed since
    page 1's version) is read again from page 1: a record deleted, or moved back in the
    list's order, meanwhile moved the next page's first record up onto a page already
    read, and it was missed for good (it had not changed: no later sync named it)."""
    kind = next(name for name, (list_path, _key) in KINDS.items() if list_path == path)
    params = {"page_size": PAGE_SIZE, **({"since": since} if since else {})}
    for _reading in range(READINGS):
        records, versions, page = [], [], 1
        while True:
            data = get(client, path, {**params, "page": page})
            versions.append(data["version"])
            records += data["items"]
            if not data["next"]:
                break
            page += 1
        if versions[-1] == versions[0]:
            return records, versions[0]
        news = get(client, "/sync", {"since": versions[0]})
        if kind not in news["changed"] and kind not in news["deleted"]:
            return records, versions[0]  # only other kinds changed: this list read whole
    sys.exit(f"{path} changed each of the {READINGS} times it was read: try again later.")


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
    try:
        news = get(client, "/sync", {"since": since})
    except httpx.HTTPStatusError as error:
        if error.response.status_code != 410:
            raise
        # The library was restored from a backup made before the version kept: what
        # changed since cannot be told; read everything again.
        state.clear()
        return sync(client, state)
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
