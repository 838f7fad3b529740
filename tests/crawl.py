"""What the page crawls (the axe crawl in tests/e2e, the Nu Html Checker in test_html_valid.py)
share: which links they follow, how many pages, and when two pages are of one kind."""

import re
from urllib.parse import parse_qs, urlparse

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
