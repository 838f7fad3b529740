"""The plan wizard over HTTP: every step, conflicts, completeness, life cycle, versions."""

import re

from models import Jst
from models.plans import Action, PendingInput, Plan, PlanVersion, StrategicGoal
from services import plans
from services.plans.demo import DIAGNOSIS
from tests.conftest import browser_client, login, make_jst, make_user, page_queries

PROFILE = {
    "street": "ul. Szkolna 1",
    "postal_code": "00-950",
    "city": "Testowo",
    "head_title": "wójt",
    "head_name": "Jan Testowy",
    "signatory1_name": "Jan Testowy",
    "signatory1_function": "Wójt",
    "contact_name": "Anna Kontaktowa",
    "contact_email": "kontakt@example.org",
    "contact_phone": "+48 500 100 200",
}


def _versions(client, path):
    """The hidden version fields of the text form on a step page."""
    html = client.get(path).get_data(as_text=True)
    return dict(re.findall(r'name="(v_\w+)" type="hidden" value="(\d*)"', html))


def _uid(client, path):
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="uid" type="hidden" value="([0-9a-f]{32})"', html).group(1)


def _add_row(client, jst, step, kind, data):
    base = f"/jst/{jst.id}/plan/{step}/{kind}/nowy"
    response = client.post(base, data={"uid": _uid(client, base), **data})
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]


def _fill_everything(client, jst):
    base = f"/jst/{jst.id}/plan"
    response = client.post(f"{base}/jst", data={**PROFILE, "version": str(jst.version)})
    assert response.status_code == 302
    texts = {**DIAGNOSIS, **_versions(client, f"{base}/diagnoza")}
    assert (
        client.post(f"{base}/diagnoza", data={**texts, "dalej": "1"})
        .headers["Location"]
        .endswith("/plan/wizja")
    )
    client.post(
        f"{base}/wizja", data={"vision": "Wizja {{ 7*7 }} <b>szkoły</b> 😀", "v_vision": "0"}
    )
    _add_row(client, jst, "wizja", "cele-strategiczne", {"title": "Cel strategiczny A"})
    strategic = StrategicGoal.get()
    _add_row(
        client,
        jst,
        "wizja",
        "cele-operacyjne",
        {"strategic_goal": strategic.id, "title": "Cel operacyjny A.1"},
    )
    _add_row(
        client,
        jst,
        "szkoly",
        "szkoly",
        {"name": "Szkoła Podstawowa Testowa", "kind": "szkola_podstawowa", "rspo": "123456"},
    )
    plan = Plan.get(Plan.jst == jst)
    choices = plans.choices(plan)
    _add_row(
        client,
        jst,
        "dzialania",
        "dzialania",
        {
            "title": "Warsztaty",
            "goal": choices["goal"][0][0],
            "area": "cyfrowe",
            "schools": [choices["schools"][0][0]],
            "responsible": "Referat Oświaty",
            "start_month": "2017-09",
            "end_month": "2018-06",
            "cost": "1 234,56",
            "indicator": "liczba nauczycieli",
            "target": "20",
        },
    )
    action = Action.get()
    assert action.cost_grosze == 123456
    _add_row(
        client,
        jst,
        "monitoring",
        "pomiary",
        {"action": action.id, "who": "dyrektor", "timing": "co semestr", "how": "ankieta"},
    )
    client.post(
        f"{base}/monitoring", data={"evaluation": "Ewaluacja w czerwcu.", "v_evaluation": "0"}
    )


def test_a_participant_walks_the_wizard_and_submits(client, world):
    login(client, world.participant)
    page = client.get(f"/jst/{world.jst.id}/plan/diagnoza").get_data(as_text=True)
    assert "Krok 2 z 7" in page and "Zapisz wersję roboczą" in page and "Zapisz i dalej" in page
    _fill_everything(client, world.jst)
    summary = client.get(f"/jst/{world.jst.id}/plan/podsumowanie").get_data(as_text=True)
    assert "Koalicja nie ma partnerów" in summary  # flagged, not blocking
    assert "Przekaż do opiniowania" in summary
    wizja = client.get(f"/jst/{world.jst.id}/plan/wizja").get_data(as_text=True)
    assert "Wizja {{ 7*7 }} &lt;b&gt;szkoły&lt;/b&gt; 😀" in wizja  # stored and shown literally
    response = client.post(f"/jst/{world.jst.id}/plan/status/przekaz", follow_redirects=True)
    assert "Plan przekazano do opiniowania" in response.get_data(as_text=True)
    plan = Plan.get(Plan.jst == world.jst)
    assert plan.status == "submitted"
    assert PlanVersion.get(PlanVersion.plan == plan).number == 1
    # read-only now
    response = client.post(
        f"/jst/{world.jst.id}/plan/wizja",
        data={"vision": "x", "v_vision": "1"},
        follow_redirects=True,
    )
    assert "tylko do odczytu" in response.get_data(as_text=True)
    assert plans.texts(plan)["vision"].value.startswith("Wizja {{ 7*7 }}")


def test_submission_is_refused_while_something_is_missing(client, world):
    login(client, world.participant)
    response = client.post(f"/jst/{world.jst.id}/plan/status/przekaz", follow_redirects=True)
    assert "Plan nie jest kompletny" in response.get_data(as_text=True)
    assert Plan.get(Plan.jst == world.jst).status == "draft"


def test_completeness_lists_every_gap_as_a_link(client, world):
    login(client, world.participant)
    base = f"/jst/{world.jst.id}/plan"
    _add_row(client, world.jst, "wizja", "cele-strategiczne", {"title": "Cel bez operacyjnego"})
    _add_row(client, world.jst, "szkoly", "szkoly", {"name": "Szkoła Nieobjęta"})
    page = client.get(f"{base}/podsumowanie").get_data(as_text=True)
    assert "Cel strategiczny 1 nie ma celu operacyjnego" in page
    assert "Szkoła „Szkoła Nieobjęta” nie jest objęta żadnym działaniem" in page
    assert "SWOT: mocne strony: pole jest puste" in page
    assert f'href="{base}/diagnoza#swot_strengths"' in page
    assert "Dodaj działania planu" in page


def test_unknown_step_and_other_jst(client, world):
    login(client, world.participant)
    assert client.get(f"/jst/{world.jst.id}/plan/nieistnieje").status_code == 404
    assert client.get(f"/jst/{world.other_jst.id}/plan/diagnoza").status_code == 404
    assert client.get(f"/jst/{world.jst.id}/plan/wizja/dzialania/nowy").status_code == 404


def test_same_field_conflicts_and_different_fields_merge(app, world):
    first, second = app.test_client(), app.test_client()
    login(first, world.participant)
    login(second, world.teammate)
    path = f"/jst/{world.jst.id}/plan/diagnoza"
    v1, v2 = _versions(first, path), _versions(second, path)
    first.post(path, data={**v1, "needs_ict": "Wersja pierwszej osoby", "attitudes": "Postawy A"})
    response = second.post(
        path, data={**v2, "needs_ict": "Wersja drugiej osoby", "needs_languages": "Języki B"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Ktoś zmienił tę sekcję w międzyczasie" in page
    assert "Wersja pierwszej osoby" in page and "Wersja drugiej osoby" in page
    saved = plans.texts(Plan.get(Plan.jst == world.jst))
    assert saved["needs_ict"].value == "Wersja pierwszej osoby"  # not overwritten
    assert saved["needs_languages"].value == "Języki B"  # a different field merged
    assert saved["attitudes"].value == "Postawy A"
    merged = dict(re.findall(r'name="(v_\w+)" type="hidden" value="(\d*)"', page))
    response = second.post(
        path,
        data={
            **merged,
            "needs_ict": "Połączona wersja",
            "needs_languages": "Języki B",
            "attitudes": "Postawy A",
        },
    )
    assert response.status_code == 302
    assert plans.texts(Plan.get(Plan.jst == world.jst))["needs_ict"].value == "Połączona wersja"


def test_row_conflict_keeps_input_and_double_click_creates_once(app, world):
    first, second = app.test_client(), app.test_client()
    login(first, world.participant)
    login(second, world.teammate)
    new = f"/jst/{world.jst.id}/plan/koalicja/partnerzy/nowy"
    uid = _uid(first, new)
    for _ in range(2):  # a double click
        assert first.post(new, data={"uid": uid, "institution": "Dom Kultury"}).status_code == 302
    plan = Plan.get(Plan.jst == world.jst)
    assert len(plans.rows(plan, "partnerzy")) == 1
    path = f"/jst/{world.jst.id}/plan/koalicja/partnerzy/{uid}"
    first.post(path, data={"uid": uid, "version": "1", "institution": "Dom Kultury A"})
    response = second.post(path, data={"uid": uid, "version": "1", "institution": "Dom Kultury B"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Ktoś zmienił tę pozycję w międzyczasie" in page
    assert "Dom Kultury A" in page and 'value="Dom Kultury B"' in page
    assert plans.rows(plan, "partnerzy")[0].institution == "Dom Kultury A"


def test_removal_asks_for_confirmation_and_rows_reorder(client, world):
    login(client, world.participant)
    for title in ("Pierwszy", "Drugi"):
        _add_row(client, world.jst, "monitoring", "ryzyka", {"risk": title})
    plan = Plan.get(Plan.jst == world.jst)
    first, second = plans.rows(plan, "ryzyka")
    base = f"/jst/{world.jst.id}/plan/monitoring/ryzyka"
    client.post(f"{base}/{second.uid}/przesun", data={"kierunek": "gora"})
    assert [r.risk for r in plans.rows(plan, "ryzyka")] == ["Drugi", "Pierwszy"]
    page = client.get(f"{base}/{first.uid}/usun").get_data(as_text=True)
    assert "Czy na pewno usunąć tę pozycję?" in page and "Pierwszy" in page
    assert len(plans.rows(plan, "ryzyka")) == 2
    client.post(f"{base}/{first.uid}/usun")
    assert [r.risk for r in plans.rows(plan, "ryzyka")] == ["Drugi"]


def test_invalid_values_and_foreign_references_are_refused(client, world):
    other_plan = plans.get_plan(world.other_jst)
    foreign = plans.save_row(
        other_plan,
        "cele-strategiczne",
        plans.new_uid(),
        {"title": "Obcy"},
        None,
        world.other_participant,
    )
    login(client, world.participant)
    new = f"/jst/{world.jst.id}/plan/wizja/cele-operacyjne/nowy"
    response = client.post(new, data={"strategic_goal": foreign.id, "title": "Cel"})
    assert response.status_code == 422 and "Proszę wybrać pozycję z listy" in response.get_data(
        as_text=True
    )
    new = f"/jst/{world.jst.id}/plan/dzialania/dzialania/nowy"
    response = client.post(
        new,
        data={
            "title": "Działanie",
            "start_month": "2018-06",
            "end_month": "2017-09",
            "cost": "-5",
            "schools": ["999"],
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Koniec nie może być wcześniejszy niż początek" in page
    assert "Kwota nie może być ujemna" in page
    assert "Proszę wybrać pozycje z listy" in page
    assert 'value="Działanie"' in page  # input kept
    response = client.post(
        f"/jst/{world.jst.id}/plan/szkoly/szkoly/nowy", data={"name": "S", "rspo": "12a"}
    )
    assert "Numer RSPO składa się z samych cyfr" in response.get_data(as_text=True)
    response = client.post(
        f"/jst/{world.jst.id}/plan/szkoly/szkoly/nowy", data={"name": "S", "rspo": "１２３"}
    )  # full-width digits: digits to Python, not to the register
    assert "Numer RSPO składa się z samych cyfr" in response.get_data(as_text=True)
    long_text = "x" * 10_001
    response = client.post(
        f"/jst/{world.jst.id}/plan/wizja", data={"vision": long_text, "v_vision": "0"}
    )
    assert response.status_code == 422 and "Najwyżej 10000 znaków" in response.get_data(
        as_text=True
    )


def test_life_cycle_and_who_may_decide(app, world):
    plan = plans.get_plan(world.jst)
    Plan.update(status="submitted").where(Plan.id == plan.id).execute()
    team, expert, coordinator = app.test_client(), app.test_client(), app.test_client()
    login(team, world.participant)
    login(expert, world.expert)
    login(coordinator, world.coordinator)
    path = f"/jst/{world.jst.id}/plan/status"
    assert team.post(f"{path}/zatwierdz").status_code == 403
    response = expert.post(f"{path}/zwroc", data={"message": " "})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="error-summary"' in page
    assert 'id="message-error">Proszę podać uzasadnienie' in page
    assert Plan.get_by_id(plan.id).status == "submitted"
    expert.post(f"{path}/zwroc", data={"message": "Proszę uzupełnić diagnozę."})
    assert Plan.get_by_id(plan.id).status == "returned"
    Plan.update(status="submitted").where(Plan.id == plan.id).execute()
    expert.post(f"{path}/zatwierdz")
    assert Plan.get_by_id(plan.id).status == "accepted"
    assert expert.post(f"{path}/otworz", data={"message": "x"}).status_code == 403
    coordinator.post(f"{path}/otworz", data={"message": "Nowe wytyczne ORE."})
    assert Plan.get_by_id(plan.id).status == "returned"
    page = team.get(f"/jst/{world.jst.id}/plan/podsumowanie").get_data(as_text=True)
    assert "Proszę uzupełnić diagnozę." in page and "Nowe wytyczne ORE." in page
    assert "Zatwierdzony → Do poprawy" in page


def test_a_submitted_plan_refuses_the_teams_changes_and_says_why(client, world):
    plan = plans.get_plan(world.jst)
    risks = [
        plans.save_row(
            plan,
            "ryzyka",
            plans.new_uid(),
            {"risk": risk, "mitigation": "M"},
            None,
            world.participant,
        ).uid
        for risk in ("Pierwsze ryzyko", "Drugie ryzyko")
    ]
    Plan.update(status="submitted").where(Plan.id == plan.id).execute()
    login(client, world.participant)
    step = f"/jst/{world.jst.id}/plan/monitoring"
    refused = "Plan ma status „Przekazany do opiniowania” — zespół nie może go teraz zmieniać."
    for path, data, goes_to in (
        (step, {"evaluation": "Nowy harmonogram"}, step),
        (f"{step}/ryzyka/nowy", {"risk": "Trzecie ryzyko", "mitigation": "M"}, step),
        (f"{step}/ryzyka/{risks[0]}/usun", {}, f"{step}#ryzyka"),
        (f"{step}/ryzyka/{risks[0]}/przesun", {"kierunek": "dol"}, f"{step}#ryzyka"),
    ):
        response = client.post(path, data=data)
        assert response.status_code == 302 and response.location == goes_to, path
        assert refused in client.get(step).get_data(as_text=True), path
    assert [r.uid for r in plans.rows(plan, "ryzyka")] == risks
    assert "evaluation" not in plans.texts(plan)


def test_expert_reads_drafts_but_cannot_edit(client, world):
    login(client, world.expert)
    page = client.get(f"/jst/{world.jst.id}/plan/diagnoza").get_data(as_text=True)
    assert "tylko do odczytu" in page and "Zapisz wersję roboczą" not in page
    response = client.post(f"/jst/{world.jst.id}/plan/diagnoza", data={"needs_ict": "x"})
    assert response.status_code == 403


def test_demo_versions_diff_exactly(app):
    from services import demo

    demo.seed("demo-haslo-123", "pbkdf2:sha256:1")
    plan = Plan.get(Plan.jst == Jst.get(Jst.name == "Powiat Testowy"))
    sections = plans.compare(plans.version_content(plan, 1), plans.version_content(plan, 2))
    summary = [(s["step"], c["kind"], c["label"]) for s in sections for c in s["changes"]]
    assert summary == [
        ("wizja", "changed", "Wizja rozwoju oświaty w JST"),
        ("dzialania", "added", "Klub rozmów po angielsku"),
        ("monitoring", "added", "Klub rozmów po angielsku"),
        ("monitoring", "removed", "Opóźnienia w zakupie pomocy dydaktycznych."),
    ]
    vision = sections[0]["changes"][0]["fields"][0][1]
    assert vision[:3] == [
        ("delete", "W"),
        ("insert", "Do"),
        (
            "equal",
            " 2025 roku każda szkoła "
            "w powiecie uczy myślenia, współpracy i "  # a powiat's plan speaks of its powiat
            "ciekawości świata, a rodzice, samorząd "
            "i partnerzy wspólnie dbają o jakość "
            "edukacji.",
        ),
    ]
    demo.seed("demo-haslo-123", "pbkdf2:sha256:1")  # idempotent
    assert PlanVersion.select().where(PlanVersion.plan == plan).count() == 2


def test_comparing_versions_offers_the_choice_shows_the_changes_or_answers_404(client, world):
    from services import demo

    demo.seed("demo-haslo-123", "pbkdf2:sha256:1")
    jst = Jst.get(Jst.name == "Powiat Testowy")  # submitted twice: versions 1 and 2
    login(client, world.coordinator)
    path = f"/jst/{jst.id}/plan/porownaj"
    assert client.get(path).status_code == 200
    response = client.get(f"{path}?a=1&b=2")
    assert response.status_code == 200
    assert "Klub rozmów po angielsku" in response.get_data(as_text=True)
    for query in ("?a=1", "?b=2", "?a=1&b=3", "?a=7&b=2"):
        assert client.get(path + query).status_code == 404, query


def test_wizard_page_query_count_does_not_grow_with_the_plan(client, world):
    plan = plans.get_plan(world.jst)
    goal = plans.save_row(
        plan, "cele-strategiczne", plans.new_uid(), {"title": "C"}, None, world.participant
    )
    op = plans.save_row(
        plan,
        "cele-operacyjne",
        plans.new_uid(),
        {"strategic_goal": goal.id, "title": "O"},
        None,
        world.participant,
    )
    school = plans.save_row(plan, "szkoly", plans.new_uid(), {"name": "S"}, None, world.participant)
    login(client, world.participant)
    path = f"/jst/{world.jst.id}/plan/dzialania"

    def add(n):
        return [
            plans.save_row(
                plan,
                "dzialania",
                plans.new_uid(),
                {"title": f"D{i}", "goal": op.id},
                None,
                world.participant,
                {"schools": [school.id], "partners": []},
            )
            for i in range(n)
        ]

    add(2)
    page_queries(client, path)  # the first request of a session also refreshes it
    small = len(page_queries(client, path))
    add(30)
    assert len(page_queries(client, path)) == small


def test_expired_form_keeps_the_input(csrf_app, world):
    client = browser_client(csrf_app)
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
    client.post(
        "/login",
        data={"email": world.participant.email, "password": "haslo-testowe-1", "csrf_token": token},
    )
    path = f"/jst/{world.jst.id}/plan/wizja"
    response = client.post(
        path, data={"vision": "Długo pisana wizja", "v_vision": "0", "csrf_token": "wygasly"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Formularz był otwarty zbyt długo" in page and "Długo pisana wizja" in page


def test_expired_session_keeps_the_input_until_signed_in_again(csrf_app, world):
    client = browser_client(csrf_app)
    path = f"/jst/{world.jst.id}/plan/wizja"
    response = client.post(path, data={"vision": "Wizja sprzed wygaśnięcia", "v_vision": "0"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login_page = client.get("/login").get_data(as_text=True)
    assert "Sesja wygasła" in login_page
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
    client.post(
        "/login",
        data={"email": world.participant.email, "password": "haslo-testowe-1", "csrf_token": token},
    )
    page = client.get(path).get_data(as_text=True)
    assert "Przywrócono zmiany" in page and "Wizja sprzed wygaśnięcia" in page
    assert "Przywrócono zmiany" not in client.get(path).get_data(as_text=True)  # once
    other = make_user("participant")
    assert other and make_jst  # another user never gets it: the key is random and used once


def test_input_kept_for_signed_out_users_is_bounded(csrf_app, world, monkeypatch):
    from views.plans import rescue

    monkeypatch.setattr(rescue, "PENDING_MAX", 2)
    path = f"/jst/{world.jst.id}/plan/wizja"
    for n in range(2):
        response = browser_client(csrf_app).post(path, data={"vision": f"Wizja {n}"})
        assert response.status_code == 302  # kept, then the sign-in
    response = browser_client(csrf_app).post(path, data={"vision": "Wizja 3"})
    assert response.status_code == 400  # full: the usual expired-form page, nothing stored
    assert PendingInput.select().count() == 2
