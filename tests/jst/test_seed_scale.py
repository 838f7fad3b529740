"""`flask seed-scale`: a national-size fictitious data set that keeps the app's own rules."""

from pathlib import Path

from lib.identifiers import teryt_error
from models import JST_KINDS, Jst, TeamMembership, db, is_postgres
from services import teryt_register
from tests.conftest import make_jst

REGISTER = Path(__file__).resolve().parents[2] / "data" / "TERC_Urzedowy_2024-01-01.csv"


def test_scaled_jsts_are_real_places_of_the_register(app):
    make_jst("Powiat Bolesławiecki", kind="powiat", teryt="0201")  # a JST of the register
    result = app.test_cli_runner().invoke(args=["seed-scale", "--jsts", "400"])
    assert result.exit_code == 0, result.output
    assert "Dodano 400 JST" in result.output
    rows = list(Jst.select(Jst.kind, Jst.teryt, Jst.name, Jst.name_locative))
    assert len(rows) == 401
    assert len({j.teryt for j in rows}) == 401
    assert [j.teryt for j in rows if teryt_error(j.teryt, j.kind)] == []
    assert {j.kind for j in rows} == set(
        JST_KINDS
    )  # a sample of every kind (the first voivodeship: 312th)
    assert len({j.teryt[:2] for j in rows}) == 16
    units, _skipped, _stand = teryt_register.read(REGISTER.read_bytes())
    official = {unit["teryt"]: unit["name"] for unit in units}
    assert all(official[j.teryt] == j.name for j in rows if j.teryt != "0201")
    assert all(j.name_locative for j in rows if j.teryt != "0201")
    members = TeamMembership.select().count()
    assert 860 <= members <= 900  # 2.2 people per JST
    again = app.test_cli_runner().invoke(args=["seed-scale", "--jsts", "400"])
    assert "Dodano 400 JST" in again.output and Jst.select().count() == 801
    # the planner has statistics for what was loaded (issue 15, point 14)
    if is_postgres():
        analyzed = "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'jst'"
        assert db.execute_sql(analyzed).fetchone() == (True,)
    else:
        stats = db.execute_sql("SELECT stat FROM sqlite_stat1 WHERE tbl = 'jst'").fetchall()
        assert stats and all(stat.split()[0] == "801" for (stat,) in stats)
