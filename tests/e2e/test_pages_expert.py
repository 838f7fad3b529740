"""Every kind of page the demo expert reaches passes axe and fits a 390 px phone and 1280 px
without a broken word (tests/e2e/crawling.py; a file per role: the two test processes share the
crawls)."""

import pytest

from .crawling import check_every_page

pytestmark = pytest.mark.e2e


def test_every_page_of_the_expert_passes_axe_and_fits_the_screen(browser, live_server):
    check_every_page(browser, live_server, "expert")
