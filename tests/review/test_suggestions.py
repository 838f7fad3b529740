"""Expert suggestions (issue 30.2) over HTTP: proposing, the word-level difference beside the
field, accepting through the wizard's save (a conflict never applied blindly, a double click
applied once), rejecting with a reply, the history, the notifications, the next step."""

import re

from models import AuditLog
from models.plans import Plan
from models.review import Notification, Suggestion
from services import plans
from tests.conftest import login

VISION = "Szkoły uczą współpracy i ciekawości świata."


def _plan(world, status="returned"):
    plan = plans.get_plan(world.jst)
    plans.save_texts(plan, "wizja", {"vision": (VISION, 0)}, world.participant)
    plans.save_row(
        plan, "cele-strategiczne", "a" * 32, {"title": "Lepsze wyniki"}, None, world.participant
    )
    Plan.update(status=status).where(Plan.id == plan.id).execute()
    return Plan.get_by_id(plan.id)


def _client(app, user):
    client = app.test_client()
    login(client, user)
    return client


def _propose_vision(client, world, text, reason="Warto dodać mierzalny cel."):
    page = client.get(f"/jst/{world.jst.id}/plan/propozycje/nowa/vision").get_data(as_text=True)
    shown = re.search(r'name="o_vision" type="hidden" value="([0-9a-f]*)"', page).group(1)
    return client.post(
        f"/jst/{world.jst.id}/plan/propozycje/nowa/vision",
        data={"vision": text, "o_vision": shown, "reason": reason},
    )


def _accept(client, world, suggestion, over=None, next_url=""):
    return client.post(
        f"/jst/{world.jst.id}/plan/propozycje/{suggestion.id}/przyjmij",
        data={"na": plans.digest(suggestion.base_text if over is None else over), "next": next_url},
    )


def test_the_expert_proposes_and_the_team_accepts_in_one_click(app, world):
    app.config["SMTP_HOST"] = "smtp.example.org"  # immediate e-mails go to the outbox
    plan = _plan(world)
    expert, team = _client(app, world.expert), _client(app, world.participant)
    step = expert.get(f"/jst/{world.jst.id}/plan/wizja").get_data(as_text=True)
    assert "Zaproponuj zmianę" in step
    response = _propose_vision(expert, world, VISION.replace("ciekawości", "ciekawości i odwagi"))
    suggestion = Suggestion.get()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/plan/wizja#suggestion-{suggestion.id}")
    assert suggestion.base_text == VISION and suggestion.status == "open"
    assert Notification.get(Notification.user == world.participant).kind == "suggestion"

    page = team.get(f"/jst/{world.jst.id}/plan/wizja").get_data(as_text=True)
    box = page.split(f'id="suggestion-{suggestion.id}"')[1].split("</article>")[0]
    assert "ciekawości" in box and "Warto dodać mierzalny cel." in box
    assert re.search(r"<ins>.*i odwagi", box)  # the words added, marked
    assert f'form="accept-{suggestion.id}"' in box  # the button posts a form outside the step's
    home = team.get("/").get_data(as_text=True)
    assert "Proszę przyjąć albo odrzucić 1 propozycję zmiany od eksperta." in home

    response = _accept(team, world, suggestion, next_url=f"/jst/{world.jst.id}/plan/wizja")
    assert response.status_code == 302 and response.headers["Location"].endswith("/plan/wizja")
    assert plans.texts(plan)["vision"].value == VISION.replace("ciekawości", "ciekawości i odwagi")
    assert plans.texts(plan)["vision"].version == 2  # through the wizard's save
    assert Suggestion.get_by_id(suggestion.id).status == "accepted"
    again = _accept(team, world, suggestion)  # a double click: applied once
    assert again.status_code == 302
    assert plans.texts(plan)["vision"].version == 2
    assert "już rozpatrzono" in team.get("/").get_data(as_text=True)

    note = Notification.select().where(Notification.user == world.expert).get()
    assert "przyjął propozycję zmiany" in note.text
    assert AuditLog.get(AuditLog.action == "suggestion_accepted").actor_id == world.participant.id
    summary = team.get(f"/jst/{world.jst.id}/plan/podsumowanie").get_data(as_text=True)
    assert "przyjęto" in summary.split("Historia planu")[1]
    worklist = expert.get("/opiniowanie").get_data(as_text=True)
    assert "Propozycje zmian — decyzje zespołów" in worklist and "przyjęta" in worklist


def test_a_suggestion_on_a_changed_text_is_a_conflict_with_both_texts(app, world):
    plan = _plan(world)
    expert, team = _client(app, world.expert), _client(app, world.participant)
    _propose_vision(expert, world, "Tekst eksperta.")
    suggestion = Suggestion.get()
    plans.save_texts(plan, "wizja", {"vision": ("Tekst zespołu.", 1)}, world.teammate)
    response = _accept(team, world, suggestion)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Tekst zmienił się od czasu propozycji" in page
    assert "Tekst zespołu." in page and "Tekst eksperta." in page
    assert plans.texts(plan)["vision"].value == "Tekst zespołu."  # never applied blindly
    assert Suggestion.get_by_id(suggestion.id).status == "open"
    over = re.search(r'name="na" type="hidden" value="([0-9a-f]+)"', page).group(1)
    assert over == plans.digest("Tekst zespołu.")
    team.post(f"/jst/{world.jst.id}/plan/propozycje/{suggestion.id}/przyjmij", data={"na": over})
    assert plans.texts(plan)["vision"].value == "Tekst eksperta."  # a deliberate choice


def test_a_row_suggestion_goes_through_the_rows_save(app, world):
    plan = _plan(world)
    expert, team = _client(app, world.expert), _client(app, world.participant)
    base = f"/jst/{world.jst.id}/plan/propozycje/nowa/cele-strategiczne/{'a' * 32}"
    page = expert.get(base).get_data(as_text=True)
    shown = re.search(r'name="o_title" type="hidden" value="([0-9a-f]+)"', page).group(1)
    response = expert.post(
        base, data={"title": "Lepsze wyniki w matematyce", "o_title": shown, "reason": "Węziej."}
    )
    assert response.status_code == 302
    suggestion = Suggestion.get()
    assert suggestion.row_kind == "cele-strategiczne" and suggestion.field == "title"
    step = team.get(f"/jst/{world.jst.id}/plan/wizja").get_data(as_text=True)
    assert f'id="suggestion-{suggestion.id}"' in step and "w matematyce" in step
    assert _accept(team, world, suggestion).status_code == 302
    row = plans.get_row(plan, "cele-strategiczne", "a" * 32)
    assert row.title == "Lepsze wyniki w matematyce" and row.version == 2


def test_a_suggestion_for_a_deleted_row_cannot_be_accepted(app, world):
    plan = _plan(world)
    expert, team = _client(app, world.expert), _client(app, world.participant)
    base = f"/jst/{world.jst.id}/plan/propozycje/nowa/cele-strategiczne/{'a' * 32}"
    page = expert.get(base).get_data(as_text=True)
    shown = re.search(r'name="o_title" type="hidden" value="([0-9a-f]+)"', page).group(1)
    expert.post(base, data={"title": "Nowy tytuł", "o_title": shown, "reason": "R"})
    plans.delete_row(plan, "cele-strategiczne", "a" * 32, world.participant)
    response = _accept(team, world, Suggestion.get())
    assert response.status_code == 409 and "Tę pozycję usunięto" in response.get_data(as_text=True)


def test_the_team_rejects_with_a_reply(app, world):
    _plan(world, status="submitted")  # rejecting needs no editable plan
    expert, team = _client(app, world.expert), _client(app, world.participant)
    _propose_vision(expert, world, "Inna wizja.")
    suggestion = Suggestion.get()
    path = f"/jst/{world.jst.id}/plan/propozycje/{suggestion.id}"
    empty = team.post(f"{path}/odrzuc", data={"reply": "  "})
    assert empty.status_code == 422
    assert "Proszę napisać, dlaczego propozycja zostaje odrzucona." in empty.get_data(as_text=True)
    refused = _accept(team, world, suggestion)  # a submitted plan cannot change
    assert refused.status_code == 302
    assert "po zwróceniu go do poprawy" in team.get(path).get_data(as_text=True)
    response = team.post(f"{path}/odrzuc", data={"reply": "Wizja jest uzgodniona z radą."})
    assert response.status_code == 302
    decided = Suggestion.get_by_id(suggestion.id)
    assert decided.status == "rejected" and decided.reply == "Wizja jest uzgodniona z radą."
    assert decided.decided_by_id == world.participant.id
    assert plans.texts(plans.get_plan(world.jst))["vision"].value == VISION
    note = Notification.select().where(Notification.user == world.expert).get()
    assert "odrzucił" in note.text
    worklist = expert.get("/opiniowanie").get_data(as_text=True)
    assert "odrzucona" in worklist and "Wizja jest uzgodniona z radą." in worklist
    summary = team.get(f"/jst/{world.jst.id}/plan/podsumowanie").get_data(as_text=True)
    assert "odrzucono" in summary and "Wizja jest uzgodniona z radą." in summary


def test_a_digest_reader_gets_no_immediate_mail(app, world):
    from models.mail import OutboxMessage
    from services import preferences

    app.config["SMTP_HOST"] = "smtp.example.org"
    preferences.set_mode(world.expert, "digest")
    _plan(world)
    expert, team = _client(app, world.expert), _client(app, world.participant)
    _propose_vision(expert, world, "Inna wizja.")
    before = OutboxMessage.select().count()
    _accept(team, world, Suggestion.get())
    assert OutboxMessage.select().count() == before  # the expert's digest will carry it
    assert Notification.select().where(Notification.user == world.expert).count() == 1


def test_proposing_on_a_stale_form_keeps_the_text_and_shows_the_new_one(app, world):
    plan = _plan(world)
    expert = _client(app, world.expert)
    page = expert.get(f"/jst/{world.jst.id}/plan/propozycje/nowa/vision").get_data(as_text=True)
    shown = re.search(r'name="o_vision" type="hidden" value="([0-9a-f]*)"', page).group(1)
    plans.save_texts(plan, "wizja", {"vision": ("Zmieniona przez zespół.", 1)}, world.participant)
    response = expert.post(
        f"/jst/{world.jst.id}/plan/propozycje/nowa/vision",
        data={"vision": "Propozycja eksperta.", "o_vision": shown, "reason": "R"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "Zmieniona przez zespół." in html
    assert "Propozycja eksperta." in html and Suggestion.select().count() == 0


def test_the_same_proposal_twice_is_made_once_and_a_draft_takes_none(app, world):
    _plan(world)
    expert = _client(app, world.expert)
    _propose_vision(expert, world, "Inna wizja.")
    _propose_vision(expert, world, "Inna wizja.")
    assert Suggestion.select().count() == 1
    no_reason = _propose_vision(expert, world, "Jeszcze inna.", reason="")
    assert no_reason.status_code == 422
    assert "Proszę podać uzasadnienie propozycji." in no_reason.get_data(as_text=True)
    Plan.update(status="draft").execute()
    response = expert.get(f"/jst/{world.jst.id}/plan/propozycje/nowa/vision")
    assert response.status_code == 302 and Suggestion.select().count() == 1


def test_who_may_do_what(app, world):
    _plan(world)
    _propose_vision(_client(app, world.expert), world, "Inna wizja.")
    suggestion = Suggestion.get()
    path = f"/jst/{world.jst.id}/plan/propozycje"
    for user, propose, view, decide in (
        (world.expert, 200, 200, 403),
        (world.coordinator, 200, 200, 403),
        (world.participant, 403, 200, 302),
        (world.admin, 403, 403, 403),
        (world.other_expert, 404, 404, 404),
        (world.other_participant, 404, 404, 404),
    ):
        client = _client(app, user)
        assert client.get(f"{path}/nowa/vision").status_code == propose, user.role
        assert client.get(f"{path}/{suggestion.id}").status_code == view, user.role
        assert client.get(path).status_code == view, user.role
        response = client.post(f"{path}/{suggestion.id}/odrzuc", data={"reply": "Nie."})
        assert response.status_code == decide, user.role
    assert Suggestion.get_by_id(suggestion.id).reply == "Nie."  # the team's only
    other = app.test_client()
    login(other, world.other_participant)
    plans.get_plan(world.other_jst)  # another JST's own plan does not hold this suggestion
    response = other.get(f"/jst/{world.other_jst.id}/plan/propozycje/{suggestion.id}")
    assert response.status_code == 404


def test_demo_has_an_open_suggestion(app):
    from models import Jst
    from services import demo

    demo.seed("demo-haslo-123", "pbkdf2:sha256:1")
    plan = plans.get_plan(Jst.get(Jst.name == "Powiat Testowy"))
    assert Suggestion.select().where((Suggestion.plan == plan) & (Suggestion.status == "open"))
