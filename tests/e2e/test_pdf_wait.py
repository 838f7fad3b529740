"""Issue 29.6 in the browser: a PDF asked for shows the wait page (accessible, readable at 390 px)
while the worker makes it; the page's script then starts the download by itself."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .conftest import screenshot
from .crawling import AXE_OPTIONS
from .crawling import describe as _describe

pytestmark = pytest.mark.e2e


def test_the_wait_page_passes_axe_and_the_pdf_downloads_by_itself(page_as):
    page = page_as("coordinator")
    page.set_viewport_size({"width": 390, "height": 844})
    response = page.goto("/jst/1/dokumenty/plan.pdf")
    assert response.status == 202
    expect(page.get_by_role("heading", name="Przygotowanie pliku PDF")).to_be_visible()
    status = page.get_by_role("status")
    expect(status).to_contain_text("Plik")
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, _describe(violations)
    screenshot(page, "pdf-wait-390")
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot(page, "pdf-wait-1280")
    with page.expect_download(timeout=180_000) as download:
        pass  # the page's script asks for the state and starts the download once it is ready
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as file:
        assert file.read(5) == b"%PDF-"
    expect(status).to_have_text("Plik PDF jest gotowy — pobieranie się rozpoczyna.")
