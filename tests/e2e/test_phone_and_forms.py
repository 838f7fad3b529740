"""In the browser (issues 19, 27): no crawled page scrolls sideways or breaks a word across lines
on a 390 px phone nor at 1280 px; form controls
are visible (border ≥ 3:1 against the background); a step button saves what was typed (also
without JavaScript); leaving a changed form asks first."""

import re

import pytest
from playwright.sync_api import expect

from tests.crawl import PER_KIND
from tests.crawl import kind as _kind

from .conftest import DEMO_PASSWORD, ROLES, screenshot
from .test_accessibility import _links

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
MAX_PAGES = 120
# a team whose plan no other browser test touches (Miasto Wzorowo, half-written)
TEAM_MEMBER = "uczestnik3@example.org"


def _sign_in(browser, live_server, email, **context_options):
    context = browser.new_context(base_url=live_server, locale="pl-PL", **context_options)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Adres e-mail").fill(email)
    page.get_by_label("Hasło").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()
    page.wait_for_url(lambda url: "/login" not in url)
    return context, page


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


# Words whose letters sit on more than one line (a table cell squeezed until "Nazwa" reads
# "N/a/z/w/a"). A word is a run without spaces, hyphens or slashes: a line may end after those.
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
  return broken;
}"""


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("role", sorted(ROLES))
def test_no_page_is_wider_than_the_screen_or_breaks_a_word(browser, live_server, role, width):
    viewport = {"width": width, "height": 844}
    context, page = _sign_in(browser, live_server, ROLES[role], viewport=viewport)
    queue, seen, kinds, wide, broken = [page.url], set(), {}, {}, {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen or kinds.get(_kind(url), 0) >= PER_KIND:
            continue
        seen.add(url)
        kinds[_kind(url)] = kinds.get(_kind(url), 0) + 1
        response = page.goto(url)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            wide[url] = (scroll_width, page.evaluate(WIDEST))
        words = page.evaluate(BROKEN_WORDS)
        if words:
            broken[url] = words
            if len(broken) == 1:
                screenshot(page, f"zlamane-slowa-{role}-{width}")
        queue += [link for link in _links(page, live_server) if link not in seen]
    print(
        f"{role} @ {width} px: {len(seen)} stron, {len(broken)} z połamanymi słowami "
        f"({sum(map(len, broken.values()))} słów), {len(wide)} szerszych niż ekran"
    )
    if wide:
        screenshot(page, f"szeroka-strona-{role}-{width}")
    context.close()
    assert len(seen) > 1
    assert not wide, "\n".join(f"{url}: {w} px — {el}" for url, (w, el) in wide.items())
    assert not broken, "\n".join(f"{url}: {', '.join(w[:8])}" for url, w in broken.items())


# WCAG relative luminance and contrast of the computed border colour against the page.
CONTRAST = """() => {
  const lum = (c) => {
    const [r, g, b] = c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number).map(v => {
      v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const background = (el) => {
    for (let e = el.parentElement; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor;
      if (c && !c.startsWith('rgba(0, 0, 0, 0)') && c !== 'transparent') return c;
    }
    return 'rgb(255, 255, 255)';
  };
  const out = [];
  for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
    if (!el.offsetParent) continue;
    const style = getComputedStyle(el);
    const a = lum(style.borderTopColor), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    out.push({id: el.id || el.name, type: el.type, ratio: Math.round(ratio * 100) / 100});
  }
  return out;
}"""


def test_form_controls_have_visible_borders(browser, live_server):
    context, page = _sign_in(browser, live_server, TEAM_MEMBER)
    checked = []
    for path in ("/moje-dane", "/"):
        page.goto(path)
        if path == "/":
            page.get_by_role("link", name="Plan JST: przejdź do kreatora").click()
            _open_step(page, 2)
        # the step page's stylesheets must be applied before their colours are read
        page.wait_for_load_state("load")
        controls = page.evaluate(CONTRAST)
        assert controls, f"no form controls on {page.url}"
        checked += controls
    context.close()
    types = {c["type"] for c in checked}
    assert {"radio", "text", "textarea"} <= types, types
    low = [c for c in checked if c["ratio"] < 3]
    assert not low, low


def _open_step(page, number):
    steps = page.get_by_role("navigation", name="Kroki planu")
    name = re.compile(rf"^{number}\. ")
    steps.get_by_role("link", name=name).or_(steps.get_by_role("button", name=name)).click()
    expect(page.locator(".task-current")).to_contain_text(f"{number}. ")


@pytest.mark.parametrize("javascript", [False, True], ids=["bez-js", "z-js"])
def test_a_step_button_saves_what_was_typed(browser, live_server, javascript):
    context, page = _sign_in(browser, live_server, TEAM_MEMBER, java_script_enabled=javascript)
    page.get_by_role("link", name="Plan JST: przejdź do kreatora").click()
    _open_step(page, 3)
    text = f"Wizja zapisana przyciskiem kroku ({'z JS' if javascript else 'bez JS'})."
    page.get_by_label("Wizja rozwoju oświaty w JST").fill(text)
    page.get_by_role("navigation", name="Kroki planu").get_by_role(
        "button", name=re.compile(r"^4\. Koalicja")
    ).click()
    expect(page.locator(".task-current")).to_contain_text("4. Koalicja")
    expect(page.get_by_text("Zapisano wersję roboczą.")).to_be_visible()
    _open_step(page, 3)
    expect(page.get_by_label("Wizja rozwoju oświaty w JST")).to_have_value(text)
    context.close()


def test_leaving_a_changed_form_asks_first(browser, live_server):
    context, page = _sign_in(browser, live_server, TEAM_MEMBER)
    page.get_by_role("link", name="Plan JST: przejdź do kreatora").click()
    _open_step(page, 2)
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.once("dialog", answer)
    field = page.locator("#step-form textarea").first
    field.click()
    page.keyboard.type(" dopisane")  # typed by a person: the browser may ask before unloading
    before = page.url
    with page.expect_event("dialog"):
        page.locator("a[href='/']").first.click(no_wait_after=True)
    assert dialogs == ["beforeunload"]
    assert page.url == before
    page.get_by_role("button", name="Zapisz wersję roboczą").click()  # a save is no leaving
    expect(page.get_by_text("Zapisano wersję roboczą.")).to_be_visible()
    context.close()
