"""In the browser at 390 px (issue 30.1): a team member searches the plan library with a filter,
without diacritics, and copies an action into their own plan."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import screenshot
from .crawling import PHONE, WIDEST
from .crawling import sign_in as _sign_in

pytestmark = pytest.mark.e2e

# Gmina Próbna's team: its plan is empty in the demo and no other browser test writes to it
MEMBER = "uczestnik7@example.org"


def test_search_and_copy_into_my_plan_on_a_phone(browser, live_server):
    context, page = _sign_in(browser, live_server, MEMBER, viewport=PHONE)
    try:
        page.get_by_text("Menu", exact=True).click()
        page.get_by_role("link", name="Biblioteka planów").first.click()
        expect(page.get_by_role("heading", name="Biblioteka planów", level=1)).to_be_visible()
        page.get_by_label("Szukane słowa").fill("JEZYKU angielskim")
        page.get_by_label("Obszar kompetencji").select_option("wielojezycznosc")
        page.get_by_role("button", name="Szukaj").click()
        # equally good matches by JST name: the demo's best plan, Gmina Jeziorowo, first
        result = page.get_by_role("heading", name="Klub rozmów po angielsku dla uczniów klas 4–8")
        expect(result.first).to_contain_text("najlepszy plan")
        expect(page.get_by_text("Gmina Jeziorowo").first).to_be_visible()
        # nothing of the page's own content sticks out of the phone's width
        assert page.evaluate(WIDEST.replace("'body *'", "'main *'")) is None
        screenshot(page, "library-search-390")
        page.get_by_role(
            "button", name=re.compile("Dodaj do mojego planu.*Klub rozmów")
        ).first.click()
        expect(page.get_by_text("Dodano działanie do planu")).to_be_visible()
        expect(page.get_by_label("Nazwa działania")).to_have_value(
            "Klub rozmów po angielsku dla uczniów klas 4–8"
        )
        expect(page.get_by_label("Oczekiwany rezultat")).to_contain_text(
            "Na podstawie planu: Gmina Jeziorowo"
        )
        screenshot(page, "library-copied-390")
    finally:
        context.close()


def test_library_and_public_best_plans_at_1280(browser, live_server):
    context, page = _sign_in(browser, live_server, MEMBER, viewport={"width": 1280, "height": 900})
    try:
        page.goto("/biblioteka?szkola=liceum")
        expect(page.get_by_role("heading", name="Biblioteka planów", level=1)).to_be_visible()
        expect(page.get_by_label("Typ szkoły")).to_have_value("liceum")
        screenshot(page, "library-search-1280")
    finally:
        context.close()
    public = browser.new_context(base_url=live_server, locale="pl-PL")
    try:
        page = public.new_page()
        page.goto("/najlepsze-plany")
        expect(
            page.get_by_role("link", name=re.compile(r"plan \(PDF\).*Gmina Jeziorowo"))
        ).to_be_visible()
        screenshot(page, "library-best-1280")
    finally:
        public.close()
