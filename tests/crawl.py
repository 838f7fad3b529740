"""What the page crawls (the axe crawl in tests/e2e, the Nu Html Checker in test_html_valid.py)
share: which links they follow, how many pages, and when two pages are of one kind."""

import re
from urllib.parse import parse_qs, urljoin, urlparse, urlsplit

from tests.pages import parse

SKIP = ("/logout", "/static/", "/bootstrap/")
DOWNLOADS = (".docx", ".csv", ".zip", ".xlsx", ".pdf", ".json", ".ics", "/plik")  # plik: job
MAX_PAGES = 220
# pages of one kind a crawl checks: they share a route and a template (any second one would
# differ only in the data it shows, which the area's own tests check)
PER_KIND = 1
PUBLIC = [
    "/login",
    "/haslo/nie-pamietam",
    "/haslo/ustaw/nieznany-link",
    "/deklaracja-dostepnosci",
    "/zaswiadczenie/nieznany-kod-weryfikacyjny",
    "/najlepsze-plany",
]


def kind(url):
    """Pages of one route differ only in ids and query values: check PER_KIND of each kind."""
    parsed = urlparse(url)
    path = re.sub(r"[0-9a-f]{32}", "U", parsed.path)
    return re.sub(r"\d+", "N", path), tuple(sorted(parse_qs(parsed.query)))


def local(base, href):
    """The path and query of a link on the page at `base` that a crawl follows, or None."""
    parts = urlsplit(urljoin(base, href.split("#")[0]))
    if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "localhost"):
        return None
    if parts.path.startswith(SKIP) or parts.path.endswith(DOWNLOADS):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def walk(client, name="", visit=None):
    """Every HTML page reachable from home with a Flask test client, PER_KIND of each kind:
    [url]; visit(url, html) is called for each. Fails on a 5xx or on more than MAX_PAGES."""
    queue, seen, kinds, pages = ["/"], set(), {}, []
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen or kinds.get(kind(url), 0) >= PER_KIND:
            continue
        seen.add(url)
        kinds[kind(url)] = kinds.get(kind(url), 0) + 1
        response = client.get(url, follow_redirects=True)
        assert response.status_code < 500, f"{name}: GET {url} → {response.status_code}"
        if response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        pages.append(url)
        if visit:
            visit(url, html)
        queue += [p for href in parse(html)[0] if (p := local(url, href)) and p not in seen]
    assert not [u for u in queue if u not in seen and kinds.get(kind(u), 0) < PER_KIND], (
        f"{name}: more than {MAX_PAGES} pages: raise crawl.MAX_PAGES"
    )
    return pages
