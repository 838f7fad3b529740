"""`flask seed-scale`: a national-size fictitious data set that keeps the app's own rules."""

from lib.identifiers import teryt_error
from models import Jst, db, is_postgres
from tests.conftest import make_jst


def test_a_thousand_scaled_jsts_have_unique_well_formed_teryts(app):
    make_jst("Powiat Wcześniejszy", kind="powiat", teryt="0201")  # a code the scale set would use
    result = app.test_cli_runner().invoke(args=["seed-scale", "--jsts", "1000"])
    assert result.exit_code == 0, result.output
    assert "Dodano 1000 JST" in result.output
    rows = list(Jst.select(Jst.kind, Jst.teryt))
    assert len(rows) == 1001
    assert len({j.teryt for j in rows}) == 1001
    assert [j.teryt for j in rows if teryt_error(j.teryt, j.kind)] == []
    # the planner has statistics for what was loaded (issue 15, point 14)
    if is_postgres():
        analyzed = "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'jst'"
        assert db.execute_sql(analyzed).fetchone() == (True,)
    else:
        stats = db.execute_sql("SELECT stat FROM sqlite_stat1 WHERE tbl = 'jst'").fetchall()
        assert stats and all(stat.split()[0] == "1001" for (stat,) in stats)
