"""Keyboard use in a real browser: the skip link, visible focus on every element Tab reaches,
a form's error summary linked to its fields."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

FOCUS_RING = """() => {
  const e = document.activeElement;
  // the focus on the date picker button inside Chromium's own date input: drawn by the browser
  if (e.type === "date" && !e.matches(":focus")) return true;
  const style = getComputedStyle(e);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return outline || style.boxShadow !== "none";
}"""
# the focused element's name; "" while Tab moves inside one element (a date input's parts)
NEW_FOCUS = """() => {
  const e = document.activeElement;
  if (e === document.body) return null;
  if (e.dataset.tabbed) return "";
  e.dataset.tabbed = "1";
  return e.tagName + "#" + (e.id || e.textContent.trim().slice(0, 30));
}"""
MAIN_PAGES = [
    ("coordinator", "/jst"),
    ("coordinator", "/dokumenty"),
    ("expert", "/opiniowanie"),
    ("participant", "/moje-dane"),
]


def test_the_first_tab_reaches_a_skip_link_that_moves_focus_to_the_content(page_as):
    pages = {}
    for role, path in MAIN_PAGES:
        page = pages.setdefault(role, page_as(role))
        page.goto(path)
        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Przejdź do treści")
        expect(skip).to_be_focused()
        expect(skip).to_be_visible()
        assert page.evaluate(FOCUS_RING), f"{path}: the skip link has no focus ring"
        page.keyboard.press("Enter")
        expect(page.locator("main")).to_be_focused()
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.closest('main') !== null")
        assert focused, f"{path}: Tab after the skip link leaves the content"


def test_every_element_reached_by_tab_shows_where_the_focus_is(page_as):
    page = page_as("coordinator")
    page.goto("/jst/nowa")
    seen = []
    for _ in range(100):
        page.keyboard.press("Tab")
        name = page.evaluate(NEW_FOCUS)
        if name is None:
            break
        if name:
            seen.append(name)
        assert page.evaluate(FOCUS_RING), f"no visible focus on {name or seen[-1]}"
    assert "SELECT#kind" in seen and "INPUT#agreement_date" in seen, seen
    assert "BUTTON#Zapisz" in seen and "A#Deklaracja dostępności" in seen, seen


def test_a_form_with_errors_announces_them_in_a_summary_linked_to_the_fields(page_as):
    page = page_as("coordinator")
    page.goto("/jst/nowa")
    page.get_by_role("button", name="Zapisz", exact=True).click()
    summary = page.get_by_role("alert").filter(has_text="Formularz zawiera błędy")
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    expect(links.first).to_contain_text("Nazwa JST: Proszę podać nazwę JST.")
    for href in [links.nth(i).get_attribute("href") for i in range(links.count())]:
        assert re.fullmatch(r"#[\w-]+", href), href
        field = page.locator(href)
        expect(field).to_have_count(1)
        expect(field).to_have_attribute("aria-invalid", "true")
        described = field.get_attribute("aria-describedby").split()
        assert f"{href[1:]}-error" in described
        expect(page.locator(f"{href}-error")).to_be_visible()
    page.keyboard.press("Tab")
    expect(links.first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#name")).to_be_focused()
