"""In the browser (issues 19, 27): form controls are visible (border ≥ 3:1 against the
background); a step button saves what was typed (also without JavaScript); leaving a changed form
asks first. That no crawled page scrolls sideways or breaks a word across lines on a 390 px phone
nor at 1280 px is checked by the crawls of tests/e2e/test_pages_*.py (tests/e2e/crawling.py)."""

import re

import pytest
from playwright.sync_api import expect

from .crawling import sign_in as _sign_in

pytestmark = pytest.mark.e2e

# a team whose plan no other browser test touches (Miasto Wzorowo, half-written)
TEAM_MEMBER = "uczestnik3@example.org"


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
