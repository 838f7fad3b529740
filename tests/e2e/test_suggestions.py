"""Expert suggestions in a real browser (issue 30.2), on the demo's Powiat Testowy: the expert
proposes a new title for a goal and returns the plan; the participant — without JavaScript, on a
390 px phone, by keyboard — finds the suggestions in the next step, sees the difference word by
word, accepts one (the text is saved) and rejects the demo's with a reply; then a suggestion made
on a text the team changed meanwhile is shown as a conflict with both texts, and applied only
when chosen. The expert's worklist shows what the team decided."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .conftest import screenshot
from .crawling import AXE_OPTIONS
from .crawling import sign_in as _sign_in

pytestmark = pytest.mark.e2e

EXPERT, PARTICIPANT = "ekspert2@example.org", "uczestnik5@example.org"
NEW_TITLE = "Wyższe wyniki uczniów w matematyce i naukach przyrodniczych"


def _no_axe_violations(page):
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, [(v["id"], v["nodes"][0]["target"]) for v in violations]


def test_the_expert_proposes_and_the_team_accepts_rejects_and_meets_a_conflict(
    browser, live_server
):
    expert_context, expert = _sign_in(
        browser, live_server, EXPERT, viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    team_context, team = _sign_in(
        browser,
        live_server,
        PARTICIPANT,
        java_script_enabled=False,
        viewport={"width": 390, "height": 844},
    )
    try:
        plan = expert.get_by_role("link", name="Plan: Powiat Testowy").get_attribute("href")
        base = plan.rsplit("/", 1)[0]

        # the expert proposes a new title for the first strategic goal
        expert.goto(f"{base}/wizja")
        expert.get_by_role("link", name="Zaproponuj zmianę — cel strategiczny 1").click()
        expect(expert.get_by_role("heading", name=re.compile("Propozycja zmiany"))).to_be_visible()
        _no_axe_violations(expert)
        screenshot(expert, "propozycja-nowa-1280")
        expert.get_by_label("Tytuł — proponowany tekst").fill(NEW_TITLE)
        expert.get_by_label("Uzasadnienie propozycji").fill("Cel powinien nazywać obszar.")
        expert.get_by_role("button", name="Zapisz propozycję").click()
        expect(expert.get_by_text("Zapisano propozycję zmiany")).to_be_visible()
        # and returns the plan for corrections
        expert.goto(f"{base}/status/zwroc")
        expert.get_by_label("Uzasadnienie").fill("Proszę rozpatrzyć propozycje zmian.")
        expert.get_by_role("button", name="Zwróć do poprawy").click()
        expect(expert.get_by_text("Do poprawy").first).to_be_visible()

        # the participant's next step lists the open suggestions
        team.goto("/")
        next_step = team.get_by_role(
            "link", name="Proszę przyjąć albo odrzucić 2 propozycje zmian"
        ).first
        expect(next_step).to_be_visible()
        next_step.click()
        box = team.locator("article.suggestion", has_text="Cel powinien nazywać obszar.")
        expect(box.locator(".suggestion-diff")).to_contain_text("matematyce")
        expect(box.locator(".suggestion-diff ins").first).to_be_visible()  # the words added
        screenshot(team, "propozycje-w-kreatorze-390")
        accept = box.get_by_role("button", name=re.compile("^Przyjmij"))
        accept.focus()
        team.keyboard.press("Enter")
        expect(team.get_by_text("Przyjęto propozycję i zapisano nowy tekst")).to_be_visible()
        expect(team.get_by_role("cell", name=NEW_TITLE)).to_be_visible()

        # the demo's suggestion for the vision: rejected with a reply
        team.get_by_role("link", name=re.compile("Odrzuć z odpowiedzią — Wizja")).click()
        screenshot(team, "propozycja-390")
        team.get_by_label("Odpowiedź dla eksperta").fill("Wizję uzgodniono z radą powiatu.")
        team.get_by_role("button", name="Odrzuć propozycję").click()
        expect(team.get_by_text("Odrzucono propozycję")).to_be_visible()

        # a suggestion on a text the team then changes: a conflict with both texts
        expert.goto(f"{base}/wizja")
        expert.locator('a[href$="/propozycje/nowa/vision"]').click()
        expert.get_by_label("Wizja rozwoju oświaty w JST — proponowany tekst").fill(
            "Wizja według eksperta."
        )
        expert.get_by_label("Uzasadnienie propozycji").fill("Krócej.")
        expert.get_by_role("button", name="Zapisz propozycję").click()
        expect(expert.get_by_text("Zapisano propozycję zmiany")).to_be_visible()
        team.goto(f"{base}/wizja")
        team.get_by_label("Wizja rozwoju oświaty w JST", exact=True).fill("Wizja według zespołu.")
        team.get_by_role("button", name="Zapisz wersję roboczą").click()
        expect(team.get_by_text("Zapisano wersję roboczą.")).to_be_visible()
        team.locator("article.suggestion", has_text="Krócej.").get_by_role(
            "button", name=re.compile("^Przyjmij")
        ).click()
        expect(
            team.get_by_role("heading", name="Tekst zmienił się od czasu propozycji")
        ).to_be_visible()
        conflict = team.locator("#conflict")
        expect(conflict).to_contain_text("Wizja według zespołu.")
        expect(conflict).to_contain_text("Wizja według eksperta.")
        screenshot(team, "propozycja-konflikt-390")
        team.get_by_role("button", name="Zastąp zapisany tekst propozycją").click()
        expect(team.get_by_text("Przyjęto propozycję i zapisano nowy tekst")).to_be_visible()
        team.goto(f"{base}/wizja")
        expect(team.get_by_label("Wizja rozwoju oświaty w JST", exact=True)).to_have_value(
            "Wizja według eksperta."
        )

        # the expert sees what the team decided
        expert.goto("/opiniowanie")
        outcomes = expert.locator("section", has_text="Propozycje zmian — decyzje zespołów")
        expect(outcomes).to_contain_text("przyjęta")
        expect(outcomes).to_contain_text("Wizję uzgodniono z radą powiatu.")
        screenshot(expert, "opiniowanie-propozycje-1280")
        expert.goto(f"/jst/{base.split('/')[2]}/plan/propozycje")
        _no_axe_violations(expert)  # axe needs JavaScript: the expert's pages, not the team's
        expert.goto(f"{base}/podsumowanie")  # the plan's history links each decision
        history = expert.locator("section", has_text="Historia planu")
        expect(history).to_contain_text("odrzucono")
        history.get_by_role("link", name=re.compile("propozycję zmiany eksperta")).first.click()
        expect(
            expert.get_by_role("heading", name="Propozycja zmiany eksperta", exact=True)
        ).to_be_visible()
        _no_axe_violations(expert)
        screenshot(expert, "propozycja-1280")
        screenshot(expert, "propozycje-lista-1280")
    finally:
        expert_context.close()
        team_context.close()
