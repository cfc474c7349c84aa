"""A tiny HTTP server on 127.0.0.1 that answers as arXiv's API, arXiv's OAI-PMH interface
and doi.org do, from the recorded answers in tests/papers/recorded/.

    /api/query?id_list=…   the entries of the recorded feeds of those IDs, in one feed
                            (arXiv's error feed for an ID it calls malformed)
    /oai?verb=ListRecords…  the recorded ListRecords pages of cs.CL (and cs.DL's one)
    /doi/<doi>              the recorded CSL-JSON, 404 for any other DOI
    /hang/…                 never answers in time;  /garbage/… answers an HTML page
"""

import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

RECORDED = Path(__file__).parent / "recorded"
# arXiv calls five-digit numbers before 2015 and anything not an ID malformed.
MALFORMED = re.compile(r"^(?:0[0-9]{3}|1[0-4][0-9]{2})\.[0-9]{5}$|^[0-9]{4}\.[0-9]{6,}$")


def recorded(name):
    return (RECORDED / name).read_bytes()


def merged_feed(ids, overrides):
    """One Atom feed with the recorded entry of each ID arXiv has, as arXiv answers."""
    entries = []
    for arxiv_id in ids:
        name = overrides.get(arxiv_id, f"api-{arxiv_id.replace('/', '_')}.xml")
        if (RECORDED / name).exists():
            text = recorded(name).decode()
            entries.append(text[text.index("<entry>") : text.rindex("</entry>") + 8])
    feed = recorded("api-empty.xml").decode()
    feed = feed.replace(
        ">0</opensearch:totalResults>", f">{len(entries)}</opensearch:totalResults>"
    )
    return feed.replace("</feed>", "\n".join(entries) + "\n</feed>").encode()


class RecordedServices:
    def __init__(self):
        self.requests = []  # (path, query dict, time) of each request
        self.overrides = {}  # arXiv ID → recorded file to answer instead
        self.lock = threading.Lock()
        services = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                parts = urlsplit(self.path)
                query = {key: values[0] for key, values in parse_qs(parts.query).items()}
                with services.lock:
                    services.requests.append((parts.path, query, time.monotonic()))
                status, content_type, body = services.answer(parts.path, query)
                if status is None:
                    return
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, path, query):
        atom = "application/atom+xml; charset=utf-8"
        if path.startswith("/hang"):
            time.sleep(3)
            return None, "", b""
        if path.startswith("/garbage"):
            return 200, "text/html", b"<html><body>502 Bad Gateway</body></html"
        if path == "/api/query":
            ids = [i for i in query.get("id_list", "").split(",") if i]
            bad = [i for i in ids if MALFORMED.match(i)]
            if bad:
                feed = recorded("api-error.xml").decode().replace("0704.00001", bad[0])
                return 200, atom, feed.encode()
            return 200, atom, merged_feed(ids, self.overrides)
        if path == "/oai":
            xml = "text/xml; charset=utf-8"
            token = query.get("resumptionToken")
            if token == "7013424|1001":
                return 200, xml, recorded("oai-cs-CL-page2.xml")
            if token:
                return 200, xml, recorded("oai-badtoken.xml")
            if query.get("set") == "cs:cs:CL" and query.get("from", "") < "2030":
                return 200, xml, recorded("oai-cs-CL-page1.xml")
            if query.get("set") == "cs:cs:DL":
                return 200, xml, recorded("oai-cs-DL-refused.xml")
            return 200, xml, recorded("oai-norecords.xml")
        if path.startswith("/doi/"):
            doi = unquote(path[len("/doi/") :]).lower()
            name = RECORDED / f"doi-{doi.replace('/', '_')}.json"
            if name.exists():
                return 200, "application/vnd.citationstyles.csl+json", name.read_bytes()
            return 404, "text/html", b"<html><body>DOI Not Found</body></html>"
        return 404, "text/plain", b"not recorded"

    def point(self, settings, base=None):
        """Point the three settings at this server (or at /hang, /garbage …)."""
        base = base or self.url
        settings.ARXIV_API_URL = f"{base}/api/query"
        settings.ARXIV_OAI_URL = f"{base}/oai"
        settings.DOI_RESOLVER_URL = f"{base}/doi/"
        settings.ARXIV_MIN_INTERVAL = 0.01
        settings.OUTSIDE_TIMEOUT = 1

    def api_calls(self):
        return [query for path, query, _t in self.requests if path == "/api/query"]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
