"""Thematic networks in the browser (issue 30.3): on a 390 px phone a member starts a thread and
replies (links clickable, nothing wider than the screen); by keyboard alone a reply is written
and sent, every element on the way showing its focus."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import screenshot
from .test_keyboard import FOCUS_RING

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
BODY = "Treść (zwykły tekst; adresy https://… staną się linkami)"


def _no_sideways_scroll(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_on_a_phone_a_member_starts_a_thread_and_replies(page_as):
    page = page_as("participant")
    page.set_viewport_size(PHONE)
    page.goto("/")
    menu = page.locator("details.app-menu-narrow")
    menu.locator("summary").click()
    menu.get_by_role("link", name="Sieci tematyczne").click()
    expect(page.get_by_role("heading", name="Sieci tematyczne", level=1)).to_be_visible()
    page.get_by_role("link", name="Finansowanie oświaty").click()
    expect(page.get_by_role("heading", name="Finansowanie oświaty", level=1)).to_be_visible()
    _no_sideways_scroll(page, 390)
    screenshot(page, "networks-network-390")

    page.get_by_label("Tytuł wątku").fill("Dotacje na pracownie — terminy naborów")
    page.get_by_label(BODY).fill("Kiedy nabór? Szczegóły: https://ore.example.org/nabory")
    page.get_by_role("button", name="Rozpocznij wątek").click()
    heading = page.get_by_role("heading", name="Dotacje na pracownie — terminy naborów")
    expect(heading).to_be_visible()
    link = page.get_by_role("link", name="https://ore.example.org/nabory")
    expect(link).to_have_attribute("rel", "noopener nofollow")

    page.get_by_label(BODY).fill("U nas nabór był w marcu.")
    page.get_by_role("button", name="Wyślij odpowiedź").click()
    expect(page.get_by_text("Dodano odpowiedź.")).to_be_visible()
    expect(page.locator("article").filter(has_text="U nas nabór był w marcu.")).to_be_visible()
    _no_sideways_scroll(page, 390)
    screenshot(page, "networks-thread-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "networks-thread-1280")
    page.goto(page.url.split("?")[0].rsplit("/watki", 1)[0] + "/czlonkowie")
    expect(page.get_by_role("heading", name=re.compile("Członkowie sieci"))).to_be_visible()
    screenshot(page, "networks-members-1280")


def test_a_reply_is_written_and_sent_by_keyboard_alone(page_as):
    page = page_as("expert")
    page.goto("/sieci")
    page.get_by_role("link", name="Finansowanie oświaty").click()
    page.get_by_role("link", name="Wspólne zakupy pomocy dydaktycznych").click()
    expect(page.get_by_role("heading", name="Wspólne zakupy pomocy dydaktycznych")).to_be_visible()
    page.locator("main").focus()
    for _ in range(150):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "body":
            break
        assert page.evaluate(FOCUS_RING), page.evaluate("document.activeElement.outerHTML")
    assert page.evaluate("document.activeElement.name") == "body"
    assert page.evaluate(FOCUS_RING)
    page.keyboard.type("Porozumienie wzorcowe: https://ore.example.org/wzor")
    for _ in range(5):
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUS_RING)
        if page.evaluate("document.activeElement.type") == "submit":
            break
    expect(page.get_by_role("button", name="Wyślij odpowiedź")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Dodano odpowiedź.")).to_be_visible()
    expect(page.get_by_role("link", name="https://ore.example.org/wzor")).to_be_visible()
    expect(page).to_have_url(re.compile(r"#wpis-\d+$"))
