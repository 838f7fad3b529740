"""Check before submitting or deciding (issue 19): the team reads its whole plan; submitting,
accepting, returning and reopening go through a confirmation page; the expert's page agrees
with itself; comments are found where they belong."""

from models.plans import Plan
from models.review import Comment
from services import plans
from tests.conftest import login

from .test_wizard import _fill_everything


def _clients(app, world):
    team, expert = app.test_client(), app.test_client()
    login(team, world.participant)
    login(expert, world.expert)
    return team, expert


def test_the_team_reads_its_whole_plan_on_one_page(app, world):
    team, _expert = _clients(app, world)
    _fill_everything(team, world.jst)
    response = team.get(f"/jst/{world.jst.id}/plan/czytaj")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Cel strategiczny A" in page and "Ewaluacja w czerwcu." in page
    assert "Dodaj uwagę" not in page  # the team replies, it does not start threads
    home = team.get("/").get_data(as_text=True)
    assert f'href="/jst/{world.jst.id}/plan/czytaj">Cały plan na jednej stronie' in home


def test_submitting_goes_through_a_confirmation_page(app, world):
    team, _expert = _clients(app, world)
    base = f"/jst/{world.jst.id}/plan"
    confirm = team.get(f"{base}/status/przekaz").get_data(as_text=True)
    assert "Plan nie jest kompletny — nie można go jeszcze przekazać" in confirm
    assert f'action="{base}/status/przekaz"' not in confirm
    _fill_everything(team, world.jst)
    summary = team.get(f"{base}/podsumowanie").get_data(as_text=True)
    assert f'href="{base}/status/przekaz">Przekaż do opiniowania…</a>' in summary
    assert f'action="{base}/status/przekaz"' not in summary  # not one click
    confirm = team.get(f"{base}/status/przekaz").get_data(as_text=True)
    assert "Cały plan w obecnym brzmieniu jako <strong>wersja 1</strong>" in confirm
    assert "Wersja 1 zostanie zamrożona" in confirm and "tylko do odczytu" in confirm
    assert f'href="{base}/czytaj">cały plan na jednej stronie</a>' in confirm
    assert "Koalicja: Koalicja nie ma partnerów" in confirm  # flagged, not blocking
    assert Plan.get().status == "draft"  # looking is not submitting
    response = team.post(f"{base}/status/przekaz", follow_redirects=True)
    assert "Plan przekazano do opiniowania." in response.get_data(as_text=True)
    assert Plan.get().status == "submitted"
    again = team.get(f"{base}/status/przekaz").get_data(as_text=True)
    assert "tej czynności nie można teraz wykonać" in again


def test_the_expert_confirms_accepting_and_returning_with_a_justification(app, world):
    team, expert = _clients(app, world)
    _fill_everything(team, world.jst)
    plans.transition(plans.get_plan(world.jst), "submit", world.participant)
    base = f"/jst/{world.jst.id}/plan"
    summary = expert.get(f"{base}/podsumowanie").get_data(as_text=True)
    assert f'href="{base}/status/zatwierdz">Zatwierdź…</a>' in summary
    assert f'href="{base}/status/zwroc">Zwróć do poprawy…</a>' in summary
    accept = expert.get(f"{base}/status/zatwierdz").get_data(as_text=True)
    assert "Zatwierdzenie kończy opiniowanie planu w <strong>wersji 1</strong>" in accept
    assert ">Zatwierdź plan</button>" in accept
    returning = expert.get(f"{base}/status/zwroc").get_data(as_text=True)
    assert 'name="message"' in returning and "Wymagane." in returning
    response = expert.post(f"{base}/status/zwroc", data={"message": "  "})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-summary"' in page and 'href="#message"' in page
    assert 'id="message-error">Proszę podać uzasadnienie' in page
    assert 'aria-invalid="true"' in page
    assert Plan.get().status == "submitted"
    expert.post(f"{base}/status/zwroc", data={"message": "Proszę poprawić wizję."})
    assert Plan.get().status == "returned"


def test_the_expert_page_has_no_stale_return_banner_and_counts_all_unresolved(app, world):
    team, expert = _clients(app, world)
    _fill_everything(team, world.jst)
    plan = plans.transition(plans.get_plan(world.jst), "submit", world.participant)
    base = f"/jst/{world.jst.id}/plan"
    for step, body in (("wizja", "Wizja ogólna."), ("dzialania", "Koszty?"), ("wizja", "Cele?")):
        expert.post(f"{base}/uwagi", data={"step": step, "body": body})
    plans.transition(plan, "return", world.expert, "Proszę poprawić.")
    assert "Plan zwrócony do poprawy" in expert.get(f"{base}/podsumowanie").get_data(as_text=True)
    plans.transition(plan, "submit", world.participant)
    page = expert.get(f"{base}/diagnoza").get_data(as_text=True)
    assert "Przekazany do opiniowania" in page
    assert "Plan zwrócony do poprawy" not in page  # no banner from before the resubmission
    assert "Uwagi eksperta (3)" in page  # every step's unresolved comments
    first_wizja = Comment.get(Comment.body == "Wizja ogólna.")
    costs = Comment.get(Comment.body == "Koszty?")
    assert f'href="{base}/wizja#comment-{first_wizja.id}">Wizja i cele (2 uwagi)</a>' in page
    assert f'href="{base}/dzialania#comment-{costs.id}">Działania (1 uwaga)</a>' in page
    # the badge of the task list links to the step's first comment
    assert f'href="{base}/wizja#comment-{first_wizja.id}">2 uwagi<span' in page


def test_comments_sit_above_the_fields_and_a_reply_returns_to_its_comment(app, world):
    team, expert = _clients(app, world)
    base = f"/jst/{world.jst.id}/plan"
    response = expert.post(f"{base}/uwagi", data={"step": "diagnoza", "body": "Brak danych."})
    comment = Comment.get()
    assert response.headers["Location"].endswith(f"{base}/diagnoza#comment-{comment.id}")
    page = team.get(f"{base}/diagnoza").get_data(as_text=True)
    assert page.index(f'id="comment-{comment.id}"') < page.index('id="step-form"')
    reply = team.post(
        f"{base}/uwagi/{comment.id}/odpowiedz",
        data={"body": "Uzupełnimy.", "next": f"{base}/czytaj"},
    )
    assert reply.headers["Location"].endswith(f"{base}/czytaj#comment-{comment.id}")
    resolve = expert.post(f"{base}/uwagi/{comment.id}/rozwiaz")
    assert resolve.headers["Location"].endswith(f"#comment-{comment.id}")
