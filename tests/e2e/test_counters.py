"""Live character counters (issue 19): under a wizard text area "Pozostało N znaków" in Polish
plural forms, said by a polite live region once typing pauses, from the static app.js under the
app's Content-Security-Policy (no bypass); without JavaScript only the hint "maks. N znaków"."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

TEAM_MEMBER = "uczestnik3@example.org"  # types only: nothing is saved
LIMIT = 10_000
FIELD = "Wizja rozwoju oświaty w JST"


def _vision_step(browser, live_server, javascript):
    context = browser.new_context(
        base_url=live_server, locale="pl-PL", java_script_enabled=javascript
    )
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Adres e-mail").fill(TEAM_MEMBER)
    page.get_by_label("Hasło").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()
    page.wait_for_url(lambda url: "/login" not in url)
    page.get_by_role("link", name="Plan JST: przejdź do kreatora").click()
    steps = page.get_by_role("navigation", name="Kroki planu")
    name = re.compile(r"^3\. ")
    steps.get_by_role("link", name=name).or_(steps.get_by_role("button", name=name)).click()
    return context, page


def test_a_wizard_text_area_counts_the_characters_left(browser, live_server):
    context, page = _vision_step(browser, live_server, javascript=True)
    field = page.get_by_label(FIELD)
    field_id = field.get_attribute("id")
    counter = page.locator(f"#{field_id}-counter")
    spoken = counter.locator("xpath=following-sibling::*[@aria-live='polite'][1]")
    left = LIMIT - len(field.input_value())
    expect(counter).to_be_visible()
    expect(counter).to_contain_text(f" {left} ")

    field.fill("x" * (LIMIT - 3))
    field.press("End")
    page.keyboard.type("a")  # typed by a person
    expect(counter).to_have_text("Pozostały 2 znaki")
    expect(spoken).to_have_text("Pozostały 2 znaki")  # once typing pauses
    page.keyboard.type("b")
    expect(counter).to_have_text("Pozostał 1 znak")
    expect(spoken).to_have_text("Pozostał 1 znak")
    page.keyboard.type("cd")  # the browser's maxlength stops the second one
    expect(counter).to_have_text("Pozostało 0 znaków")
    assert len(field.input_value()) == LIMIT
    field.fill("Wizja " * 3)
    expect(counter).to_have_text("Pozostały 9982 znaki")
    field.fill("x" * (LIMIT - 12))
    expect(counter).to_have_text("Pozostało 12 znaków")
    field.fill("x" * (LIMIT - 22))
    expect(counter).to_have_text("Pozostały 22 znaki")
    # the static hint stays, and the field is still described by it
    assert f"{field_id}-limit" in field.get_attribute("aria-describedby")
    expect(page.locator(f"#{field_id}-limit")).to_have_text(f"maks. {LIMIT} znaków")
    context.close()


def test_without_javascript_only_the_hint_is_shown(browser, live_server):
    context, page = _vision_step(browser, live_server, javascript=False)
    field = page.get_by_label(FIELD)
    field_id = field.get_attribute("id")
    expect(page.locator(f"#{field_id}-limit")).to_have_text(f"maks. {LIMIT} znaków")
    expect(page.locator(".app-counter")).to_have_count(0)
    assert field.get_attribute("maxlength") == str(LIMIT)
    context.close()
