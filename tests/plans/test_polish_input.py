"""Numbers, dates and phone numbers typed the way Polish users write them (issue 19): each value
either saved as meant or refused with a message at its field; empty selects say why."""

from datetime import date

import pytest

from models import Jst
from models.plans import Action
from models.review import ExpertVisit as Visit
from services import plans, settings
from tests.conftest import login

from .test_wizard import PROFILE, _uid

NBSP = "\u00a0"

MONEY = [
    ("12 500", 1_250_000),
    (f"12{NBSP}500", 1_250_000),
    ("12 500,50", 1_250_050),
    ("12 500 zł", 1_250_000),
    ("12.500", 1_250_000),
    ("1.234.567,89", 123_456_789),
    ("1,5", 150),
    ("0,05", 5),
    ("1000000000000", 100_000_000_000_000),
    ("12.50", "Nie wiadomo, co oznacza kropka w „12.50”. Jeśli chodzi o 12,50 zł"),
    ("1.5", "Nie wiadomo, co oznacza kropka"),
    ("12.5000", "Nie wiadomo, co oznacza kropka"),
    ("abc", "To nie jest kwota"),
    ("1 2 3", "To nie jest kwota"),
    ("-5", "Kwota nie może być ujemna"),
    ("1000000000000,01", "To zbyt duża kwota"),
    ("1 000 000 000 001", "To zbyt duża kwota"),
    ("1,5555", "najwyżej dwa miejsca po przecinku"),
    # a comma before three digits: thousands as English writes them, or grosze mistyped — asked
    ("12,500", "Nie wiadomo, co oznacza przecinek w „12,500”. Jeśli chodzi o 12 500 zł"),
    ("1,555", "Nie wiadomo, co oznacza przecinek"),
]

MONTHS = [
    ("09.2017", "2017-09"),
    ("9.2017", "2017-09"),
    ("2017-09", "2017-09"),
    ("13.2017", "Proszę podać miesiąc jako MM.RRRR"),
    ("wrzesień", "Proszę podać miesiąc jako MM.RRRR"),
    ("2017-13", "Proszę podać miesiąc jako MM.RRRR"),
]


def _error(page, field):
    return page.split(f'id="{field}-error">', 1)[1].split("</div>", 1)[0]


def _post_action(client, world, **data):
    path = f"/jst/{world.jst.id}/plan/dzialania/dzialania/nowy"
    return client.post(path, data={"uid": _uid(client, path), "title": "Działanie", **data})


@pytest.mark.parametrize("typed, expected", MONEY)
def test_a_cost_is_read_the_polish_way_or_refused_at_its_field(client, world, typed, expected):
    login(client, world.participant)
    response = _post_action(client, world, cost=typed)
    if isinstance(expected, int):
        assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
        assert Action.get().cost_grosze == expected
    else:
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert expected in _error(page, "cost")
        assert 'href="#cost"' in page  # the error summary links to the field
        assert f'value="{typed}"' in page  # what was typed is kept
        assert Action.select().count() == 0


def test_a_cost_is_shown_back_the_polish_way(client, world):
    login(client, world.participant)
    assert _post_action(client, world, cost="12.500").status_code == 302
    action = Action.get()
    edit = client.get(f"/jst/{world.jst.id}/plan/dzialania/dzialania/{action.uid}")
    assert 'value="12 500,00"' in edit.get_data(as_text=True)
    step = client.get(f"/jst/{world.jst.id}/plan/dzialania").get_data(as_text=True)
    assert f"12{NBSP}500,00{NBSP}zł" in step


@pytest.mark.parametrize("typed, expected", MONTHS)
def test_a_month_is_read_as_mm_rrrr_or_iso(client, world, typed, expected):
    login(client, world.participant)
    response = _post_action(client, world, start_month=typed)
    if expected.startswith("Proszę podać"):
        assert response.status_code == 422
        assert expected in _error(response.get_data(as_text=True), "start_month")
    else:
        assert response.status_code == 302
        assert Action.get().start_month == expected


def test_months_are_shown_as_mm_rrrr_and_compared_as_months(client, world):
    login(client, world.participant)
    response = _post_action(client, world, start_month="06.2018", end_month="2017-09")
    assert response.status_code == 422
    assert "Koniec nie może być wcześniejszy" in _error(
        response.get_data(as_text=True), "end_month"
    )
    assert _post_action(client, world, start_month="9.2017", end_month="06.2018").status_code == 302
    action = Action.get()
    assert (action.start_month, action.end_month) == ("2017-09", "2018-06")
    edit = client.get(f"/jst/{world.jst.id}/plan/dzialania/dzialania/{action.uid}")
    page = edit.get_data(as_text=True)
    assert 'value="09.2017"' in page and 'value="06.2018"' in page


DATES = [
    ("12.09.2017", date(2017, 9, 12)),
    ("2.9.2017", date(2017, 9, 2)),
    ("12.09.2017 r.", date(2017, 9, 12)),
    ("2017-09-12", date(2017, 9, 12)),
    ("31.02.2017", "Proszę podać datę jako DD.MM.RRRR"),
    ("12/09/2017", "Proszę podać datę jako DD.MM.RRRR"),
    ("jutro", "Proszę podać datę jako DD.MM.RRRR"),
]


@pytest.mark.parametrize("typed, expected", DATES)
def test_a_date_is_read_as_dd_mm_rrrr_or_iso(client, world, typed, expected):
    login(client, world.expert)
    response = client.post(
        f"/jst/{world.jst.id}/wizyta", data={"visit_date": typed, "form": "szkolenie"}
    )
    if isinstance(expected, date):
        assert response.status_code == 302
        assert Visit.get().visit_date == expected
        page = client.get(f"/jst/{world.jst.id}/wizyta").get_data(as_text=True)
        assert 'value="12.09.2017"' in page or 'value="02.09.2017"' in page
    else:
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert expected in _error(page, "visit_date")
        assert f'value="{typed}"' in page


def test_a_settings_date_typed_the_polish_way_is_stored_as_iso(client, world):
    login(client, world.coordinator)
    values = {k: v for k, v in settings.get_all().items() if k in settings.FIELDS}
    response = client.post(
        "/ustawienia", data={**values, "programme_start": "05.04.2017", "programme_end": "x"}
    )
    assert response.status_code == 422
    assert "Proszę podać datę jako DD.MM.RRRR" in _error(
        response.get_data(as_text=True), "programme_end"
    )
    data = {**values, "programme_start": "05.04.2017", "programme_end": "17.11.2017"}
    assert client.post("/ustawienia", data=data).status_code == 302
    assert settings.get("programme_start") == "2017-04-05"
    assert settings.get("programme_end") == "2017-11-17"


PHONES = [
    ("+48 500 100 200", True),
    ("500100200", True),
    ("500-100-200", True),
    ("(22) 123 45 67", True),
    ("+44 20 7946 0958", True),
    ("+48 5OO 1OO 2OO", "zamiast zera nie wpisano litery O"),
    ("123", "Proszę podać numer telefonu"),
    ("+48 500 100 200 300", "Proszę podać numer telefonu"),
]


@pytest.mark.parametrize("typed, expected", PHONES)
def test_a_phone_number_is_checked(client, world, typed, expected):
    login(client, world.participant)
    jst = Jst.get_by_id(world.jst.id)
    response = client.post(
        f"/jst/{jst.id}/plan/jst",
        data={**PROFILE, "contact_phone": typed, "version": str(jst.version)},
    )
    if expected is True:
        assert response.status_code == 302
        assert Jst.get_by_id(jst.id).contact_phone == typed
    else:
        assert response.status_code == 422
        assert expected in _error(response.get_data(as_text=True), "contact_phone")


def test_an_empty_select_says_what_to_fill_first(client, world):
    login(client, world.participant)
    base = f"/jst/{world.jst.id}/plan"
    page = client.get(f"{base}/wizja/cele-operacyjne/nowy").get_data(as_text=True)
    assert "Plan nie ma jeszcze celów strategicznych — proszę najpierw dodać" in page
    assert f'href="{base}/wizja">Przejdź do kroku „Wizja i cele”' in page
    page = client.get(f"{base}/dzialania/dzialania/nowy").get_data(as_text=True)
    assert 'id="goal-help">Plan nie ma jeszcze celów operacyjnych' in page
    assert "Plan nie ma jeszcze szkół" in page and "Plan nie ma jeszcze partnerów" in page
    page = client.get(f"{base}/monitoring/pomiary/nowy").get_data(as_text=True)
    assert "Plan nie ma jeszcze działań" in page
    plan = plans.get_plan(world.jst)
    plans.save_row(
        plan, "cele-strategiczne", plans.new_uid(), {"title": "Cel A"}, None, world.participant
    )
    page = client.get(f"{base}/wizja/cele-operacyjne/nowy").get_data(as_text=True)
    assert "Plan nie ma jeszcze celów strategicznych" not in page
    assert "1. Cel A" in page  # the goal picker shows the goal's words
