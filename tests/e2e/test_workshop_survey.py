"""In the browser on a 390 px phone (issue 30.4): a participant present at a workshop answers its
survey from the home page, once; one absent from it is not asked."""

import pytest
from playwright.sync_api import expect

from .conftest import screenshot
from .crawling import BROKEN_WORDS, PHONE
from .crawling import sign_in as _sign_in

pytestmark = pytest.mark.e2e

# the demo's open workshop survey: module 5's first workshop; uczestnik1 was there, uczestnik2
# missed module 5 (services.surveys.demo)
TITLE = "Ocena zajęć (moduł 5): Warsztat 1.1"


def test_a_participant_present_answers_the_workshop_survey_on_a_phone(browser, live_server):
    context, page = _sign_in(browser, live_server, "uczestnik1@example.org", viewport=PHONE)
    page.goto("/")
    link = page.get_by_role("link", name=TITLE)
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    form_url = page.url
    screenshot(page, "workshop-survey-390")
    laid_out = page.evaluate(BROKEN_WORDS)
    assert laid_out["scrollWidth"] <= PHONE["width"] and laid_out["broken"] == []
    overall = page.get_by_role("group", name="Jak oceniają Państwo te zajęcia?")
    overall.get_by_label("4 — dobrze").check()
    useful = page.get_by_role("group", name="Na ile zajęcia pomogą w pracy nad planem JST?")
    useful.get_by_label("5 — bardzo dobrze").check()
    page.get_by_label("Co warto zmienić w tych zajęciach?").fill("Więcej czasu na ćwiczenia.")
    page.get_by_role("button", name="Wyślij ankietę").click()
    expect(page.get_by_text("Dziękujemy — ankieta została wysłana anonimowo.")).to_be_visible()
    done = page.get_by_role("region", name="Wypełnione")
    expect(done.get_by_text(TITLE)).to_be_visible()
    expect(page.get_by_role("region", name="Do wypełnienia").get_by_text(TITLE)).to_have_count(0)
    # asked once: the form now says so, and the home page no longer asks
    page.goto(form_url)
    expect(page.get_by_text("Ankieta została już wypełniona z tego konta")).to_be_visible()
    page.goto("/")
    expect(page.get_by_role("link", name=TITLE)).to_have_count(0)
    context.close()


def test_a_participant_absent_from_the_workshop_is_not_asked(browser, live_server):
    context, page = _sign_in(browser, live_server, "uczestnik2@example.org", viewport=PHONE)
    page.goto("/ankiety/moje")
    expect(page.get_by_role("heading", name="Moje ankiety")).to_be_visible()
    expect(page.get_by_text("Ocena programu (ankieta końcowa)")).to_be_visible()
    expect(page.get_by_text(TITLE)).to_have_count(0)
    context.close()
