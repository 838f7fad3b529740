"""What the national summaries keep per process (services.kept, models.versions): a kept page
is served from one query past the chrome, any committed write to what it shows — from this
process or any other, through the app or straight into the database — is seen by the next
request, and every table a kept page reads moves the data version."""

import re

from models import (
    ExpertAssignment,
    Jst,
    SchemaMigration,
    TeamMembership,
    User,
    db,
    is_postgres,
    migrate,
    versions,
)
from models.audit import AuditLog
from models.participants import ParticipantData
from models.surveys import Survey
from services import kept, participants
from tests.conftest import login, page_queries, recorded_queries

# the first line of the report's kept body (board/_report.html)
REPORT_NOTE = "Liczby osób mniejsze niż 3, a także te, z których dałoby się je wyliczyć"
KEPT_PAGES = [
    "/przeglad",
    "/przeglad?brak=wizyta&sort=-obecnosc",
    "/raport",
    "/raport?grupa=1",
    "/zaswiadczenia",
    "/zaswiadczenia?q=Ob",
    "/ankiety/{survey}/wyniki",
    "/dokumenty",
    "/grupy",
    "/uczestnicy",
    "/uczestnicy?stan=brak&grupa=1",
    "/obecnosc",
    "/zadania",
    "/po-pilotazu",
    "/wizyty",
    "/opiniowanie",
    "/opiniowanie?status=submitted",
]
# queries a page runs besides the chrome and its kept parts: the certificate rule's settings (its
# form), the survey and its module (the 404 check and the heading), the uploaded templates, the
# list of tasks (the task picker), the progress reports' periods and counts, the reviewer's own
# unread replies
OWN_QUERIES = {
    "zaswiadczenia": 1,
    "ankiety": 2,
    "dokumenty": 1,
    "zadania": 1,
    "po-pilotazu": 2,
    "opiniowanie": 2,  # and the expert's suggestions decided by the teams (issue 30.2)
}
TABLE = re.compile(r'(?:FROM|JOIN)\s+"(\w+)"', re.IGNORECASE)


def _paths():
    survey = Survey.select().first()
    return [p.format(survey=survey.id) for p in KEPT_PAGES]


def test_every_table_a_kept_page_reads_moves_the_version(
    client,
    world,
    programme,
    monkeypatch,
):
    """The SQL run while a kept value is built reads tracked tables only."""
    login(client, world.coordinator)
    built = []
    keep = kept.kept

    def recording(key, build):
        def recorded():
            with recorded_queries() as statements:
                value = build()
            built.extend(statements)
            return value

        return keep(key, recorded)

    monkeypatch.setattr(kept, "kept", recording)
    for path in _paths():
        built.clear()
        page_queries(client, path)
        tables = {t for sql in built for t in TABLE.findall(sql)}
        assert tables, path
        assert tables <= set(versions.TRACKED), path


def test_a_kept_page_costs_one_query_past_the_chrome(client, world, programme):
    """Warm: the session, the unread count (the chrome) and the data version."""
    login(client, world.coordinator)
    page_queries(client, "/konto")  # the first request of a session also refreshes it
    for path in _paths():
        cold = page_queries(client, path)
        warm = page_queries(client, path, warm=True)
        own = OWN_QUERIES.get(path.split("?")[0].split("/")[1], 0)
        version_reads = sum("data_version" in sql for sql in warm)
        assert 1 <= version_reads <= 2, path  # one per kept part
        assert len(warm) - version_reads == 2 + own < len(cold), path


def test_a_write_from_anywhere_is_seen_by_the_next_request(client, world, programme):
    login(client, world.coordinator)
    assert "Gmina Własna" in client.get("/przeglad").get_data(as_text=True)
    assert "Gmina Własna" in client.get("/przeglad").get_data(as_text=True)  # kept
    # as psql or another server would: straight into the database, past the app's models
    db.execute_sql(
        f"UPDATE jst SET name = {db.param} WHERE id = {db.param}",
        ("Gmina Przemianowana", world.jst.id),
    )
    page = client.get("/przeglad").get_data(as_text=True)
    assert "Gmina Przemianowana" in page and "Gmina Własna" not in page
    # a page of the report too: a JST withdrawn leaves the count of active ones
    before = client.get("/raport").get_data(as_text=True)
    Jst.update(status="withdrawn").where(Jst.id == world.other_jst.id).execute()
    assert client.get("/raport").get_data(as_text=True) != before


def test_the_version_moves_on_commit_and_not_for_untracked_tables(world):
    start = versions.current()
    AuditLog.create(action="test", details="")
    assert versions.current() == start  # the audit log is not tracked
    with db.atomic():
        Jst.update(name="Gmina A").where(Jst.id == world.jst.id).execute()
        Jst.update(name="Gmina B").where(Jst.id == world.other_jst.id).execute()
    after = versions.current()
    assert after[0] == start[0] and after[1] > start[1]
    if is_postgres():
        assert after[1] == start[1] + 1  # once per transaction, at its commit


def test_nothing_is_kept_without_the_version_row(world):
    calls = []
    db.execute_sql("DELETE FROM data_version")
    try:
        for _ in range(2):
            kept.kept(("test",), lambda: calls.append(1))
    finally:
        versions.install_triggers()
    assert len(calls) == 2


def test_an_expert_never_gets_the_coordinators_kept_board(client, world, programme):
    """The expert's board is their own JSTs', though the coordinator's is kept."""
    login(client, world.coordinator)
    assert "Miasto Łódź Testowe" in client.get("/przeglad").get_data(as_text=True)
    client.post("/logout")
    login(client, world.expert)
    response = client.get("/przeglad")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert world.jst.name in page
    assert "Miasto Łódź Testowe" not in page and world.other_jst.name not in page


def test_an_expert_never_gets_the_coordinators_kept_report(client, world, programme):
    """The report is the coordinator's: kept for them, it is still refused to an expert."""
    login(client, world.coordinator)
    response = client.get("/raport")
    assert response.status_code == 200 and REPORT_NOTE in response.get_data(as_text=True)
    client.post("/logout")
    login(client, world.expert)
    response = client.get("/raport")
    assert response.status_code == 403
    assert REPORT_NOTE not in response.get_data(as_text=True)


def test_a_migration_of_a_tracked_table_runs_once_the_triggers_exist(world):
    """An upgrade: a migration that fills a new column of a tracked table (an UPDATE firing
    the data version's trigger) and then alters the table (PostgreSQL refuses an ALTER TABLE
    while deferred trigger events are pending; SQLite copies the table, and dropping the old
    one would delete every row that refers to it)."""
    participants.save(world.participant, {"first_name": "Ewa", "clause": "y"}, world.participant)
    rows = {m: m.select().count() for m in (TeamMembership, ExpertAssignment, ParticipantData)}
    db.execute_sql('ALTER TABLE "user" DROP COLUMN name_key')
    SchemaMigration.delete().where(SchemaMigration.number == 7).execute()
    start = versions.current()
    assert migrate() == ["m0007_user_name_key"]
    assert User.get_by_id(world.participant.id).name_key == User.key_for(
        world.participant.full_name
    )
    assert versions.current() != start
    # nothing that refers to a user went with the copied table (SQLite: foreign keys were on)
    assert {m: m.select().count() for m in rows} == rows
    assert all(rows.values())
    # and the copied table moves the version again (its triggers are back)
    before = versions.current()
    User.update(full_name="Ewa Zmieniona").where(User.id == world.participant.id).execute()
    assert versions.current() != before


def test_init_db_makes_what_processes_kept_stale(world):
    """A restored backup brings back an old counter; the README's restore runs init-db."""
    start = versions.current()
    assert migrate() == []
    assert versions.current()[0] != start[0]
