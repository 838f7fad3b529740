"""The pages without a login pass axe-core (WCAG 2.1 A and AA) with zero violations; the pages
each demo role reaches are crawled by tests/e2e/test_pages_*.py (tests/e2e/crawling.py)."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.crawl import PUBLIC

from .crawling import AXE_OPTIONS, describe

pytestmark = pytest.mark.e2e


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
            problems[path] = describe(violations)
    page.goto("/login")
    page.get_by_label("Adres e-mail").fill("nikt@example.org")
    page.get_by_label("Hasło").fill("zle-haslo-123")
    page.get_by_role("button", name="Zaloguj się").click()
    violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
    if violations:
        problems["/login (błąd)"] = describe(violations)
    context.close()
    assert not problems, "\n".join(f"{url}:\n  " + "\n  ".join(v) for url, v in problems.items())
