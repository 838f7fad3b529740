"""Modules, working groups, attendance, implementation tasks, follow-up after the pilot."""

import io
from datetime import date

from docx import Document

from models import TeamMembership
from models.plans import Plan
from models.programme import (
    Attendance,
    BestPlan,
    Module,
    ModuleSession,
    ProgressReport,
    Task,
    TaskReport,
)
from services import plans, programme
from tests.conftest import add_member, login, make_jst

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100


def _module(number=1, start=date(2017, 4, 5)):
    return Module.create(
        number=number,
        start_date=start,
        end_date=date.fromordinal(start.toordinal() + 2),
        venue="Centrum Szkoleniowe",
    )


def test_coordinator_builds_a_module_and_its_schedule(client, world):
    login(client, world.coordinator)
    response = client.post(
        "/moduly/nowy",
        data={
            "number": "1",
            "start_date": "2017-04-05",
            "end_date": "2017-04-07",
            "venue": "Sala A",
            "hours": "od 10:30 do 14:00",
        },
    )
    assert response.status_code == 302
    module = Module.get(Module.number == 1)
    client.post(
        f"/moduly/{module.id}/zajecia",
        data={"day": "1", "start": "10:30", "end": "12:00", "title": "Diagnoza", "kind": "zajecia"},
    )
    response = client.post(
        f"/moduly/{module.id}/zajecia",
        data={"day": "1", "start": "12:00", "end": "11:00", "title": "Zły", "kind": "zajecia"},
        follow_redirects=True,
    )
    assert "Koniec musi być po początku" in response.get_data(as_text=True)
    assert [s.title for s in ModuleSession.select()] == ["Diagnoza"]
    client.post(
        f"/moduly/{module.id}/zajecia",
        data={"day": "3", "start": "10:30", "end": "12:00", "title": "Koalicja", "kind": "zajecia"},
    )
    session = {"day": "3", "start": "10:30", "end": "12:00", "title": "Koalicja", "kind": "zajecia"}
    client.post(f"/moduly/{module.id}/zajecia", data=session)  # a double click: added once
    overlap = {**session, "title": "Inne", "start": "11:30", "end": "13:00"}
    page = client.post(f"/moduly/{module.id}/zajecia", data=overlap, follow_redirects=True)
    assert "nakładają się na zajęcia „Koalicja” (10:30–12:00) w dniu 3" in page.get_data(
        as_text=True
    )
    assert ModuleSession.select().where(ModuleSession.day == 3).count() == 1
    shorter = {"number": "1", "start_date": "2017-04-05", "end_date": "2017-04-06", "venue": "A"}
    response = client.post(f"/moduly/{module.id}", data=shorter)
    assert response.status_code == 422
    assert "Moduł ma zajęcia albo zapisaną obecność w dniu 3" in response.get_data(as_text=True)
    assert Module.get_by_id(module.id).end_date == date(2017, 4, 7)
    _module(2, date(2017, 6, 26))  # the task of module 1 is due, by default, when module 2 starts
    assert 'value="26.06.2017"' in client.get(f"/moduly/{module.id}").get_data(as_text=True)
    early = {"title": "Zadanie", "due_date": "2016-01-01"}
    page = client.post(f"/moduly/{module.id}/zadanie", data=early, follow_redirects=True)
    assert "Termin: Termin nie może być przed końcem modułu." in page.get_data(as_text=True)
    assert Task.select().count() == 0
    bad = client.post(
        "/moduly/nowy", data={"number": "1", "start_date": "2017-04-07", "end_date": "2017-04-05"}
    )
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Ostatni dzień nie może być przed pierwszym" in page
    inside = {"number": "7", "start_date": "2017-04-06", "end_date": "2017-04-06"}
    bad = client.post("/moduly/nowy", data=inside)
    assert bad.status_code == 422
    assert "W tych dniach trwa moduł 1 (05.04.2017 – 07.04.2017)." in bad.get_data(as_text=True)
    old = client.post("/moduly/nowy", data={**inside, "start_date": "1900-04-06"})
    assert "Proszę podać datę z tego stulecia" in old.get_data(as_text=True)
    client.post("/logout")
    login(client, world.participant)
    page = client.get("/moduly").get_data(as_text=True)
    assert "Moduł 1" in page and "10:30–12:00" in page and "Diagnoza" in page


def test_a_module_with_data_cannot_be_deleted(client, world):
    module = _module()
    Attendance.create(module=module, user=world.participant, day=1)
    login(client, world.coordinator)
    response = client.post(f"/moduly/{module.id}/usun", follow_redirects=True)
    assert "Nie można usunąć modułu" in response.get_data(as_text=True)
    assert Module.select().count() == 1
    empty = _module(2, date(2017, 6, 26))
    client.post(f"/moduly/{empty.id}/usun")
    assert Module.select().count() == 1


def test_group_proposal_is_balanced_mixed_and_stable(app):
    kinds = ["gmina_wiejska", "gmina_miejska", "powiat", "gmina_miejsko_wiejska"]
    jsts = [make_jst(f"JST {kind} {n}", kind=kind) for kind in kinds for n in range(3)]
    jsts.append(make_jst("JST dodatkowa", kind="powiat"))
    proposal = programme.propose_groups(jsts, 4)
    assert proposal == programme.propose_groups(list(reversed(jsts)), 4)  # same input, same split
    sizes = [list(proposal.values()).count(g) for g in range(1, 5)]
    assert max(sizes) - min(sizes) <= 1 and sum(sizes) == 13
    for kind in kinds:  # a kind is dealt out over different groups
        taken = [proposal[j.id] for j in jsts if j.kind == kind]
        assert len(set(taken)) == min(len(taken), 4)
    powiats = {proposal[j.id] for j in jsts if j.kind == "powiat"}
    assert powiats == {1, 2, 3, 4}  # four powiats: every group has one


def _selected(page, jst):
    select = page.split(f'name="jst-{jst.id}"')[1].split("</select>")[0]
    return int(select.split(" selected>")[0].rsplit('value="', 1)[1].split('"')[0])


def test_coordinator_adjusts_the_saved_split_and_module_links_its_groups(client, world):
    module = _module()
    login(client, world.coordinator)
    page = client.get(f"/moduly/{module.id}").get_data(as_text=True)
    assert "Najpierw" in page and "podziel uczestników na grupy robocze" in page
    page = client.get("/grupy").get_data(as_text=True)
    assert "Propozycja:" in page
    data = {f"jst-{world.jst.id}": "3", f"jst-{world.other_jst.id}": "3", "liczba": "4"}
    client.post("/grupy", data=data)
    page = client.get("/grupy").get_data(as_text=True)  # the saved split, not a new proposal
    assert "zapisany podział" in page
    assert _selected(page, world.jst) == 3 and _selected(page, world.other_jst) == 3
    page = client.get("/grupy?liczba=2").get_data(as_text=True)
    assert "Propozycja:" in page
    assert {_selected(page, world.jst), _selected(page, world.other_jst)} == {1, 2}
    page = client.get(f"/moduly/{module.id}").get_data(as_text=True)
    assert f"/moduly/{module.id}/obecnosc/3" in page
    assert f"/moduly/{module.id}/obecnosc/1" not in page


def test_attendance_is_recorded_at_once_rated_and_printed(client, world):
    module = _module()
    programme.save_groups({world.jst.id: 1, world.other_jst.id: 2})
    login(client, world.coordinator)
    page = client.get(f"/moduly/{module.id}/obecnosc/1").get_data(as_text=True)
    assert world.participant.full_name in page and world.other_participant.full_name not in page
    assert client.get(f"/moduly/{module.id}/obecnosc/9").status_code == 404  # no such group
    assert client.get(f"/moduly/{module.id}/obecnosc/9.docx").status_code == 404
    client.post(
        f"/moduly/{module.id}/obecnosc/1",
        data={
            "obecny": [
                f"{world.participant.id}:1",
                f"{world.participant.id}:2",
                f"{world.participant.id}:3",
                f"{world.teammate.id}:1",
                f"{world.other_participant.id}:1",
                "x:y",
            ]
        },
    )
    assert (
        Attendance.select().count() == 4 - 0
        and not Attendance.select().where(Attendance.user == world.other_participant).exists()
    )
    rates = programme.attendance_rates(today=date(2017, 5, 1))
    assert rates[world.participant.id] == 100 and rates[world.teammate.id] == 33
    # a group's sheet reads its own people's rates, not the whole country's
    only = programme.attendance_rates(today=date(2017, 5, 1), users=[world.teammate.id])
    assert only == {world.teammate.id: 33}
    page = client.get("/obecnosc").get_data(as_text=True)
    assert "100%" in page
    response = client.get(f"/moduly/{module.id}/obecnosc/1.docx")
    doc = Document(io.BytesIO(response.data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    heading = [c.text for c in doc.tables[0].rows[0].cells]
    assert heading[2:] == [  # "r." kept with its date by a no-break space
        "Podpis 5 kwietnia 2017\u00a0r.",
        "Podpis 6 kwietnia 2017\u00a0r.",
        "Podpis 7 kwietnia 2017\u00a0r.",
    ]
    assert f"{world.participant.full_name}, Gmina Własna" in cells
    assert "grupa robocza 1" in "\n".join(p.text for p in doc.paragraphs)


def test_task_report_expert_decision_loop(app, world):
    module = _module()
    task = Task.create(module=module, title="Zadanie po module 1", due_date=date(2017, 6, 26))
    team, expert = app.test_client(), app.test_client()
    login(team, world.participant)
    login(expert, world.expert)
    path = f"/jst/{world.jst.id}/zadania/{task.id}"
    assert team.post(path, data={"text": ""}).status_code == 422
    team.post(path, data={"text": "Zrobiliśmy diagnozę."})
    response = expert.post(
        f"{path}/decyzja", data={"decision": "more", "comment": ""}, follow_redirects=True
    )
    assert "Proszę napisać, co zespół ma uzupełnić" in response.get_data(as_text=True)
    expert.post(f"{path}/decyzja", data={"decision": "more", "comment": "Dodajcie wnioski."})
    assert "Dodajcie wnioski." in team.get(path).get_data(as_text=True)
    team.post(path, data={"text": "Zrobiliśmy diagnozę. Wnioski: …"})
    assert TaskReport.get().status == "submitted"
    expert.post(f"{path}/decyzja", data={"decision": "accept", "comment": ""})
    assert TaskReport.get().status == "accepted"
    team.post(path, data={"text": "Zmiana po przyjęciu"})
    assert TaskReport.get().text.startswith("Zrobiliśmy diagnozę. Wnioski")
    other = app.test_client()
    login(other, world.other_participant)
    assert other.get(path).status_code == 404
    coordinator = app.test_client()
    login(coordinator, world.coordinator)
    page = coordinator.get("/zadania").get_data(as_text=True)
    assert "Gmina Własna" in page and "przyjęty" in page
    assert "Wnioski" in coordinator.get(f"/zadania/{task.id}/druk").get_data(as_text=True)


def test_the_printed_reports_come_a_page_at_a_time_and_follow_the_filters(client, world):
    task = Task.create(module=_module(), title="Diagnoza")
    for i in range(45):  # 45 reports in group 1, one in group 2, one JST without a report
        jst = make_jst(f"Gmina Druk {i:02}", program_group=1)
        TaskReport.create(task=task, jst=jst, text=f"Sprawozdanie numer {i:02}.")
    TaskReport.create(task=task, jst=make_jst("Powiat Inny", program_group=2), text="Inne.")
    make_jst("Gmina Bez Sprawozdania", program_group=1)
    login(client, world.coordinator)
    listed = client.get(f"/zadania?zadanie={task.id}&grupa=1").get_data(as_text=True)
    assert f'href="/zadania/{task.id}/druk?grupa=1"' in listed  # the print keeps the filter
    page = client.get(f"/zadania/{task.id}/druk?grupa=1").get_data(as_text=True)
    assert "Sprawozdania: 45 (na stronie do 20)" in page and "Strona 1 z 3" in page
    assert "Sprawozdanie numer 00." in page and "Sprawozdanie numer 20." not in page
    assert "Inne." not in page and "Bez Sprawozdania" not in page
    last = client.get(f"/zadania/{task.id}/druk?grupa=1&strona=3").get_data(as_text=True)
    assert last.count("<article") == 5 and "Sprawozdanie numer 44." in last
    everything = client.get(f"/zadania/{task.id}/druk?q=inny").get_data(as_text=True)
    assert "Sprawozdania: 1" in everything and "Inne." in everything


def test_attachments_are_checked_and_scoped(app, world):
    module = _module()
    task = Task.create(module=module, title="Zadanie")
    team = app.test_client()
    login(team, world.participant)
    path = f"/jst/{world.jst.id}/zadania/{task.id}"
    team.post(path, data={"text": "Sprawozdanie"})

    def upload(name, data):
        return team.post(
            f"{path}/zalaczniki",
            data={"file": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
            follow_redirects=True,
        ).get_data(as_text=True)

    assert "Dozwolone pliki" in upload("skrypt.exe", b"MZ")
    assert "nie zgadza się z jego rozszerzeniem" in upload("zdjecie.png", b"GIF89a")
    assert "Plik jest za duży" in upload("duzy.pdf", b"%PDF" + b"0" * (5 * 2**20))
    assert "Dodano załącznik" in upload("zdjecie.png", PNG)
    upload("zdjecie.png", PNG)  # a double click: one attachment
    assert TaskReport.get().attachments.count() == 1
    attachment = TaskReport.get().attachments[0]
    response = team.get(f"/jst/{world.jst.id}/zalaczniki/{attachment.id}")
    assert response.status_code == 200 and response.data == PNG
    assert response.headers["Content-Disposition"].startswith("attachment")
    other = app.test_client()
    login(other, world.other_participant)
    assert other.get(f"/jst/{world.other_jst.id}/zalaczniki/{attachment.id}").status_code == 404
    TaskReport.update(status="accepted").execute()  # an accepted report stays as accepted
    assert "Dodaj załącznik" not in team.get(path).get_data(as_text=True)
    page = upload("pozniej.png", PNG)
    assert "Nie dodano załącznika: sprawozdanie zostało już przyjęte." in page
    assert TaskReport.get().attachments.count() == 1


def test_follow_up_consultations_progress_and_best_plans(app, world):
    accepted_jst = make_jst("Gmina Zatwierdzona")
    member = add_member(accepted_jst)
    plan = plans.get_plan(accepted_jst)
    action = plans.save_row(
        plan, "dzialania", plans.new_uid(), {"title": "Warsztaty"}, None, member
    )
    Plan.update(status="accepted").where(Plan.id == plan.id).execute()
    coordinator = app.test_client()
    login(coordinator, world.coordinator)
    page = coordinator.get("/po-pilotazu").get_data(as_text=True)
    pending = page.split('id="pending-h"')[1].split('id="network-h"')[0]
    assert "Gmina Własna" in pending and "Gmina Zatwierdzona" not in pending
    coordinator.post(
        f"/jst/{world.jst.id}/konsultacja",
        data={
            "meeting_date": "2018-01-15",
            "expert": str(world.expert.id),
            "outcome": "Plan do końca marca",
        },
    )
    pending = coordinator.get("/po-pilotazu").get_data(as_text=True).split('id="pending-h"')[1]
    assert "Plan do końca marca" in pending and "15 stycznia 2018" in pending
    # one form, for the JST picked from the list, filled with what was saved
    form = coordinator.get(f"/po-pilotazu?jst={world.jst.id}").get_data(as_text=True)
    assert form.count('name="outcome"') == 1 and "Plan do końca marca</textarea>" in form
    empty = coordinator.post(
        f"/jst/{world.jst.id}/konsultacja", data={"expert": "0"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Proszę podać datę spotkania albo jego wynik." in empty
    forged = coordinator.post(
        f"/jst/{world.jst.id}/konsultacja",
        data={"meeting_date": "2018-01-16", "expert": "99999999999999999999"},
        follow_redirects=True,
    )
    assert forged.status_code == 200
    assert "Nie zapisano spotkania (Gmina Własna) — Ekspert:" in forged.get_data(as_text=True)
    team = app.test_client()
    login(team, member)
    team.post(
        f"/jst/{accepted_jst.id}/postep",
        data={f"status-{action.uid}": "in_progress", f"komentarz-{action.uid}": "Trwa nabór"},
    )
    period = programme.current_period()
    assert programme.network_progress(period) == {"in_progress": 1}
    assert "Trwa nabór" in team.get(f"/jst/{accepted_jst.id}/postep").get_data(as_text=True)
    # an earlier half-year's report stays readable, not editable
    ProgressReport.update(period="2018-1").execute()
    page = team.get(f"/jst/{accepted_jst.id}/postep").get_data(as_text=True)
    assert "Trwa nabór" not in page and "I półrocze 2018" in page
    page = team.get(f"/jst/{accepted_jst.id}/postep?polrocze=2018-1").get_data(as_text=True)
    assert "Trwa nabór" in page and "tylko do odczytu" in page and 'name="komentarz-' not in page
    page = coordinator.get("/po-pilotazu?polrocze=2018-1").get_data(as_text=True)
    assert "Postęp sieci JST w półroczu 2018-1" in page
    assert "<li>w trakcie: 1</li>" in page
    for _ in range(2):  # a double click marks it once, not on and off
        coordinator.post(f"/jst/{accepted_jst.id}/najlepszy-plan", data={"wyroznij": "1"})
    assert "na konferencję" in coordinator.get("/po-pilotazu").get_data(as_text=True)
    coordinator.post(f"/jst/{world.jst.id}/najlepszy-plan", data={"wyroznij": "1"})  # not accepted
    assert not BestPlan.select().where(BestPlan.jst == world.jst.id).exists()
    pending_team = app.test_client()
    login(pending_team, world.participant)
    response = pending_team.post(f"/jst/{world.jst.id}/postep", data={})
    assert response.status_code == 400  # progress reports come after acceptance


def test_demo_has_the_five_pilot_modules(app):
    from services import demo

    demo.seed("demo-haslo-123", "pbkdf2:sha256:1")
    starts = [m.start_date for m in Module.select().order_by(Module.number)]
    assert starts == [
        date(2017, 4, 5),
        date(2017, 6, 26),
        date(2017, 8, 21),
        date(2017, 10, 18),
        date(2017, 11, 15),
    ]
    assert Task.select().count() == 4
    demo.seed("demo-haslo-123", "pbkdf2:sha256:1")
    assert Module.select().count() == 5


def test_attendance_rate_counts_from_the_day_a_person_joined(app, world):
    _module(1)
    second = _module(2, date(2017, 6, 26))
    TeamMembership.update(joined_at=date(2017, 6, 1)).where(
        TeamMembership.user == world.teammate.id
    ).execute()
    for day in (1, 2, 3):
        Attendance.create(module=second, user=world.teammate, day=day)
        Attendance.create(module=second, user=world.participant, day=day)
    rates = programme.attendance_rates(today=date(2017, 12, 31))
    assert rates[world.teammate.id] == 100  # joined after module 1: its days do not count
    assert rates[world.participant.id] == 50  # a member from the start missed module 1
