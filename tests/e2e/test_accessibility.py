"""Every page each demo role can reach by following links from its home page passes axe-core
(WCAG 2.1 A and AA) with zero violations."""

from urllib.parse import urldefrag, urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.crawl import DOWNLOADS, MAX_PAGES, PER_KIND, PUBLIC, SKIP
from tests.crawl import kind as _kind

from .conftest import ROLES, screenshot

pytestmark = pytest.mark.e2e

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def _links(page, origin):
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    found = []
    for href in hrefs:
        url = urldefrag(href)[0]
        parsed = urlparse(url)
        if f"{parsed.scheme}://{parsed.netloc}" != origin:
            continue
        if parsed.path.startswith(SKIP) or parsed.path.endswith(DOWNLOADS):
            continue
        found.append(url)
    return found


def _describe(violations):
    lines = []
    for v in violations:
        targets = [", ".join(node["target"]) for node in v["nodes"][:3]]
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {targets}")
    return lines


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_reachable_page_passes_axe(page_as, live_server, role):
    page = page_as(role)
    axe = Axe()
    queue, seen, kinds, problems = [page.url], set(), {}, {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen or kinds.get(_kind(url), 0) >= PER_KIND:
            continue
        seen.add(url)
        kinds[_kind(url)] = kinds.get(_kind(url), 0) + 1
        response = page.goto(url)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        assert response.status < 500, f"{url}: {response.status}"
        assert page.title().endswith("— Plan JST"), f"{url}: page title {page.title()!r}"
        violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
        if violations:
            problems[url] = _describe(violations)
        queue += [link for link in _links(page, live_server) if link not in seen]
    print(f"{role}: {len(seen)} stron sprawdzonych")
    screenshot(page, f"ostatnia-strona-{role}")
    assert len(seen) > 1, "the crawl found no links"
    assert not [u for u in queue if u not in seen and kinds.get(_kind(u), 0) < PER_KIND], (
        f"more than {MAX_PAGES} pages: raise MAX_PAGES"
    )
    assert not problems, "\n".join(f"{url}:\n  " + "\n  ".join(v) for url, v in problems.items())


def test_public_pages_pass_axe(browser, live_server):
    """Pages without a login (sign-in, password links, certificate verification) and a sign-in
    error as a screen reader meets it."""
    context = browser.new_context(base_url=live_server, bypass_csp=True, locale="pl-PL")
    page = context.new_page()
    axe = Axe()
    problems = {}
    for path in PUBLIC:
        page.goto(path)
        assert page.title().endswith("— Plan JST"), f"{path}: page title {page.title()!r}"
        violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
        if violations:
            problems[path] = _describe(violations)
    page.goto("/login")
    page.get_by_label("Adres e-mail").fill("nikt@example.org")
    page.get_by_label("Hasło").fill("zle-haslo-123")
    page.get_by_role("button", name="Zaloguj się").click()
    violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
    if violations:
        problems["/login (błąd)"] = _describe(violations)
    context.close()
    assert not problems, "\n".join(f"{url}:\n  " + "\n  ".join(v) for url, v in problems.items())
