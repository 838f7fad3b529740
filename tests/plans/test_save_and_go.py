"""Nothing typed is lost (issue 19): the task list's step buttons are submit buttons of the step
form — what was typed is saved before moving (without JavaScript); where JavaScript runs, a
small script warns before leaving a changed form."""

import re

from models import Jst
from services import plans
from tests.conftest import login

from .test_wizard import PROFILE, _versions


def test_the_step_buttons_submit_the_step_form(client, world):
    login(client, world.participant)
    page = client.get(f"/jst/{world.jst.id}/plan/diagnoza").get_data(as_text=True)
    nav = page.split('aria-label="Kroki planu"', 1)[1].split("</nav>", 1)[0]
    assert '<button type="submit" form="step-form" name="idz" value="wizja"' in nav
    assert 'value="podsumowanie"' in nav  # the summary too, outside the task list
    assert '<form method="post" novalidate class="mb-4" id="step-form" data-warn-unsaved>' in page
    assert re.search(r'<script src="/static/js/unsaved.js[^"]*" defer></script>', page)
    # the forward button is the primary one
    buttons = page[page.index('id="step-form"') :]
    assert buttons.index('class="btn btn-primary" name="dalej"') < buttons.index('name="zapisz"')


def test_a_step_button_saves_what_was_typed_and_goes_there(client, world):
    login(client, world.participant)
    base = f"/jst/{world.jst.id}/plan"
    data = {
        "vision": "Wizja wpisana przed kliknięciem kroku.",
        **_versions(client, f"{base}/wizja"),
    }
    response = client.post(f"{base}/wizja", data={**data, "idz": "koalicja"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/koalicja")
    saved = plans.texts(plans.get_plan(world.jst))["vision"].value
    assert saved == "Wizja wpisana przed kliknięciem kroku."
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Zapisano wersję roboczą." in follow


def test_the_profile_step_saves_before_moving_too(client, world):
    login(client, world.participant)
    jst = Jst.get_by_id(world.jst.id)
    response = client.post(
        f"/jst/{jst.id}/plan/jst",
        data={**PROFILE, "city": "Nowe Miasto", "version": str(jst.version), "idz": "diagnoza"},
    )
    assert response.headers["Location"].endswith("/plan/diagnoza")
    assert Jst.get_by_id(jst.id).city == "Nowe Miasto"


def test_input_that_cannot_be_saved_stays_on_the_page(client, world):
    login(client, world.participant)
    base = f"/jst/{world.jst.id}/plan"
    data = {"vision": "x" * 10_001, **_versions(client, f"{base}/wizja"), "idz": "koalicja"}
    response = client.post(f"{base}/wizja", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Najwyżej 10000 znaków" in page
    assert "x" * 10_001 in page  # kept, not dropped by the move


def test_an_unknown_step_in_the_button_only_saves(client, world):
    login(client, world.participant)
    base = f"/jst/{world.jst.id}/plan"
    data = {"vision": "Wizja.", **_versions(client, f"{base}/wizja"), "idz": "https://evil"}
    response = client.post(f"{base}/wizja", data=data)
    assert response.headers["Location"].endswith(f"{base}/wizja")
