"""The team sees where its plan stands and one next step, on home and /jst/<id>, in every plan
status; the wizard's steps are a task list (issue 19)."""

import re
from datetime import timedelta

from models.plans import PlanEvent
from models.review import Comment
from services import plans
from tests.conftest import login

from .test_wizard import _fill_everything


def _text(html):
    """The page's visible text, tags removed and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ")


def _status_block(html):
    return html.split('class="plan-status', 1)[1].split("</section>", 1)[0]


def _both_pages(client, jst):
    """The status block on home and on /jst/<id> — the same for the team."""
    home = _status_block(client.get("/").get_data(as_text=True))
    detail = _status_block(client.get(f"/jst/{jst.id}").get_data(as_text=True))
    assert _text(home) == _text(detail)
    return home, _text(home)


def test_a_draft_with_gaps_asks_to_fill_them(client, world):
    login(client, world.participant)
    gaps = len(plans.blocking(plans.missing_items(plans.get_plan(world.jst))))
    html, text = _both_pages(client, world.jst)
    assert "Status planu: Szkic" in text
    assert f"Następny krok: Proszę uzupełnić {gaps} braków w planie." in text
    assert f'href="/jst/{world.jst.id}/plan/podsumowanie"' in html
    assert "Nierozwiązane uwagi" not in text


def test_a_complete_draft_asks_to_check_and_submit(client, world):
    login(client, world.participant)
    _fill_everything(client, world.jst)
    _html, text = _both_pages(client, world.jst)
    assert "ostatnio zapisał(a): " + world.participant.full_name in text
    assert "Następny krok: Plan jest kompletny — proszę go sprawdzić i przekazać" in text


def test_a_submitted_plan_waits_for_the_expert_and_counts_the_days(client, world):
    login(client, world.participant)
    _fill_everything(client, world.jst)
    plan = plans.transition(plans.get_plan(world.jst), "submit", world.participant)
    _html, text = _both_pages(client, world.jst)
    assert "Status planu: Przekazany do opiniowania" in text
    assert f"zmienił(a): {world.participant.full_name}" in text
    assert "Plan czeka na opinię eksperta od dziś." in text
    submitted_at = PlanEvent.get(PlanEvent.plan == plan).at
    for days, words in ((1, "od 1 dnia"), (3, "od 3 dni"), (22, "od 22 dni")):
        earlier = submitted_at - timedelta(days=days)
        PlanEvent.update(at=earlier).where(PlanEvent.plan == plan).execute()
        assert f"Plan czeka na opinię eksperta {words}." in _both_pages(client, world.jst)[1]


def test_a_returned_plan_shows_the_message_and_links_each_unresolved_comment(app, world):
    team, expert = app.test_client(), app.test_client()
    login(team, world.participant)
    login(expert, world.expert)
    _fill_everything(team, world.jst)
    plan = plans.transition(plans.get_plan(world.jst), "submit", world.participant)
    base = f"/jst/{world.jst.id}/plan"
    for step, body in (
        ("wizja", "Wizja zbyt ogólna."),
        ("dzialania", "Brak kosztów."),
        ("wizja", "I jeszcze."),
    ):
        expert.post(f"{base}/uwagi", data={"step": step, "body": body})
    resolved = Comment.get(Comment.body == "I jeszcze.")
    Comment.update(resolved_at=resolved.created_at).where(Comment.id == resolved.id).execute()
    plans.transition(plan, "return", world.expert, "Proszę poprawić wizję i koszty.")
    html, text = _both_pages(team, world.jst)
    assert "Status planu: Do poprawy" in text
    assert f"zmienił(a): {world.expert.full_name}" in text
    assert "Uzasadnienie zwrotu od eksperta: Proszę poprawić wizję i koszty." in text
    assert "Nierozwiązane uwagi eksperta: 2" in text
    wizja = Comment.get(Comment.body == "Wizja zbyt ogólna.")
    dzialania = Comment.get(Comment.body == "Brak kosztów.")
    assert f'href="{base}/wizja#comment-{wizja.id}">Wizja i cele: 1 uwaga</a>' in html
    assert f'href="{base}/dzialania#comment-{dzialania.id}">Działania: 1 uwaga</a>' in html
    assert "Następny krok: Proszę odpowiedzieć na 2 uwagi eksperta i poprawić plan." in text
    step_page = team.get(f"{base}/wizja").get_data(as_text=True)
    assert f'id="comment-{wizja.id}"' in step_page  # the link's target exists
    # the expert sees the status, but the next step is the team's
    expert_text = _text(_status_block(expert.get(f"/jst/{world.jst.id}").get_data(as_text=True)))
    assert "Status planu: Do poprawy" in expert_text and "Następny krok" not in expert_text
    Comment.update(resolved_at=resolved.created_at).execute()
    _html, text = _both_pages(team, world.jst)
    assert "Nierozwiązane uwagi" not in text
    assert "Plan jest poprawiony i kompletny — proszę przekazać go ponownie" in text


def test_an_accepted_plan_leads_to_its_documents(client, world):
    login(client, world.participant)
    _fill_everything(client, world.jst)
    plan = plans.transition(plans.get_plan(world.jst), "submit", world.participant)
    plans.transition(plan, "accept", world.expert)
    html, text = _both_pages(client, world.jst)
    assert "Status planu: Zatwierdzony" in text
    assert f"zmienił(a): {world.expert.full_name}" in text
    assert "Następny krok: Plan zatwierdzono." in text
    assert f'href="/jst/{world.jst.id}/dokumenty"' in html


def test_the_steps_are_a_task_list_without_the_summary(client, world):
    login(client, world.participant)
    html = client.get(f"/jst/{world.jst.id}/plan/diagnoza").get_data(as_text=True)
    tasks = html.split('<ol class="task-list">', 1)[1].split("</ol>", 1)[0]
    text = _text(tasks)
    assert "7. Monitoring i ewaluacja" in text and "Podsumowanie" not in text
    assert "6. Działania Potrzebne są najpierw cele operacyjne" in text
    assert "Nie można jeszcze rozpocząć" in text and "Nie rozpoczęto" in text
    assert 'value="dzialania"' not in tasks  # a step that cannot start yet is no link
    assert re.search(r"Ukończone kroki: [01] z 7", _text(html)), _text(html)[:1500]
    assert "Podsumowanie: sprawdzenie i przekazanie planu" in _text(html)
    _fill_everything(client, world.jst)
    html = client.get(f"/jst/{world.jst.id}/plan/diagnoza").get_data(as_text=True)
    text = _text(html.split('<ol class="task-list">', 1)[1].split("</ol>", 1)[0])
    assert "Nie można jeszcze rozpocząć" not in text and text.count("Ukończony") >= 6
