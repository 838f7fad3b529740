"""The browser crawl of one demo role (tests/e2e/test_pages_*.py, one file per role so that the
two test processes share the crawls): every page the role reaches by following links from its
home page, one page of each kind (tests/crawl.py), is checked once per visit for

- axe-core (WCAG 2.1 A and AA): zero violations, at 1280 px;
- no sideways scrolling and no word broken across lines (a table cell squeezed until "Nazwa"
  reads "N/a/z/w/a"), on a 390 px phone and at 1280 px: the page, loaded at 1280 px, is measured,
  then laid out again at 390 px (no JavaScript of the app depends on the width) and measured.

The context keeps the page's Content-Security-Policy: the pages are seen as users see them (axe
is put in by Playwright's evaluate, which the policy does not govern)."""

from urllib.parse import urldefrag, urlparse

from axe_playwright_python.sync_playwright import Axe

from tests.crawl import DOWNLOADS, MAX_PAGES, PER_KIND, SKIP
from tests.crawl import kind as _kind

from .conftest import DEMO_PASSWORD, ROLES, screenshot

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
WIDTHS = (1280, 390)  # the first is the width pages load at and axe runs at
HEIGHT = 844
PHONE = {"width": WIDTHS[1], "height": HEIGHT}  # a phone's screen, for the tests of one page

# The widest element that sticks out of the viewport, outside the scroll containers.
WIDEST = """() => {
  const limit = document.documentElement.clientWidth;
  let worst = null;
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.table-responsive')) continue;
    const r = el.getBoundingClientRect();
    if (r.width && r.right > limit + 1 && (!worst || r.right > worst.right)) {
      worst = {right: Math.round(r.right), tag: el.tagName.toLowerCase(),
               cls: el.className && String(el.className).slice(0, 60),
               text: (el.textContent || '').trim().slice(0, 40)};
    }
  }
  return worst;
}"""

# Words whose letters sit on more than one line. A word is a run without spaces, hyphens or
# slashes: a line may end after those. With the page's scroll width: one call per width.
BROKEN_WORDS = """() => {
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('script, style, noscript, template, .visually-hidden')) continue;
    for (const m of node.data.matchAll(/[^\\s\\-\u2010-\u2014\\/]{2,}/g)) {
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const rects = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
      if (rects.length > 1 && rects.some(r => r.top >= rects[0].bottom - 2)) broken.push(m[0]);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, broken};
}"""


def links(page, origin):
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


def describe(violations):
    lines = []
    for v in violations:
        targets = [", ".join(node["target"]) for node in v["nodes"][:3]]
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {targets}")
    return lines


def sign_in(browser, live_server, email, **context_options):
    context = browser.new_context(base_url=live_server, locale="pl-PL", **context_options)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Adres e-mail").fill(email)
    page.get_by_label("Hasło").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()
    page.wait_for_url(lambda url: "/login" not in url)
    return context, page


def _measure(page, role, url, width, wide, broken):
    """The page as laid out at `width`: wider than the screen? words broken?"""
    found = page.evaluate(BROKEN_WORDS)
    if found["scrollWidth"] > width:
        wide[(url, width)] = (found["scrollWidth"], page.evaluate(WIDEST))
        screenshot(page, f"szeroka-strona-{role}-{width}")
    if found["broken"]:
        if not any(w == width for _u, w in broken):
            screenshot(page, f"zlamane-slowa-{role}-{width}")
        broken[(url, width)] = found["broken"]


def check_every_page(browser, live_server, role):
    """Crawl as `role`; fail with every problem found on every page."""
    first, *others = WIDTHS
    context, page = sign_in(
        browser, live_server, ROLES[role], viewport={"width": first, "height": HEIGHT}
    )
    axe = Axe()
    queue, seen, kinds = [page.url], set(), {}
    problems, wide, broken = {}, {}, {}
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
            problems[url] = describe(violations)
        _measure(page, role, url, first, wide, broken)
        for width in others:
            page.set_viewport_size({"width": width, "height": HEIGHT})
            _measure(page, role, url, width, wide, broken)
        page.set_viewport_size({"width": first, "height": HEIGHT})
        queue += [link for link in links(page, live_server) if link not in seen]
    print(
        f"{role}: {len(seen)} stron; {len(broken)} z połamanymi słowami, "
        f"{len(wide)} szerszych niż ekran (przy {' i '.join(map(str, WIDTHS))} px)"
    )
    screenshot(page, f"ostatnia-strona-{role}")
    context.close()
    assert len(seen) > 1, "the crawl found no links"
    assert not [u for u in queue if u not in seen and kinds.get(_kind(u), 0) < PER_KIND], (
        f"more than {MAX_PAGES} pages: raise MAX_PAGES"
    )
    assert not problems, "\n".join(f"{url}:\n  " + "\n  ".join(v) for url, v in problems.items())
    assert not wide, "\n".join(f"{u} @ {w} px: {s} px — {el}" for (u, w), (s, el) in wide.items())
    assert not broken, "\n".join(
        f"{u} @ {w} px: {', '.join(b[:8])}" for (u, w), b in broken.items()
    )
