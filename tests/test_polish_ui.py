"""Issue 27.5: what a Polish reader would correct — each checked where the user meets it."""

import re

from cli import seed_demo
from models import Jst
from models.plans import Plan, PlanText
from models.review import Notification
from services import demo
from tests.conftest import login

PASSWORD = "demo-haslo-123"


def test_every_page_names_a_favicon_that_is_served(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    with client.get("/static/favicon.svg") as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"


def test_seed_demo_says_which_jst_each_login_belongs_to(app):
    output = app.test_cli_runner().invoke(seed_demo, ["--password", PASSWORD]).output
    lines = {line.split()[0]: line for line in output.splitlines()[1:]}
    assert lines["uczestnik1@example.org"].endswith(
        "Uczestnik – członek zespołu JST: Gmina Przykładowo"
    )
    assert lines["ekspert1@example.org"].endswith(
        "Ekspert opiekun JST: Gmina Przykładowo, Miasto Wzorowo"
    )
    assert lines["koordynator@example.org"].endswith("Koordynator projektu")


def test_the_powiats_demo_plan_speaks_of_a_powiat(app):
    demo.seed(PASSWORD, "pbkdf2:sha256:1")
    for name, own, foreign in (
        ("Powiat Testowy", "W powiecie", "gmin"),
        ("Miasto Wzorowo", "W mieście", "gmin"),
        ("Gmina Przykładowo", "W gminie", "powiec"),
    ):
        plan = Plan.get(Plan.jst == Jst.get(Jst.name == name))
        texts = " ".join(t.value for t in PlanText.select().where(PlanText.plan == plan))
        assert own in texts and foreign not in texts, name


def test_one_unread_notification_is_said_in_the_singular(app, world):
    Notification.create(user=world.participant, kind="message", text="Nowa wiadomość.", url="/")
    client = app.test_client()
    login(client, world.participant)
    page = client.get("/powiadomienia").get_data(as_text=True)
    assert '1<span class="visually-hidden"> nieprzeczytane</span>' in page
    assert "nieprzeczytanych" not in page.split("</nav>")[0]


def test_periods_are_shown_as_typed_and_half_years_in_words(app):
    demo.seed(PASSWORD, "pbkdf2:sha256:1")
    jst = Jst.get(Jst.name == "Gmina Przykładowo")
    client = app.test_client()
    client.post("/login", data={"email": "uczestnik1@example.org", "password": PASSWORD})
    actions = client.get(f"/jst/{jst.id}/plan/dzialania").get_data(as_text=True)
    assert "09.2017 – 06.2018" in actions and "2017-09" not in actions
    progress = client.get(f"/jst/{jst.id}/postep").get_data(as_text=True)
    assert re.search(r"<p>I{1,2} półrocze 20\d\d\.", progress), progress[:2000]
    assert not re.search(r"Półrocze 20\d\d-\d", progress)
