from models import User
from services import plans

from . import POST_OK, Case, jst_scoped

READERS = {"coordinator", "team", "expert"}


def setup(world):
    plan = plans.get_plan(world.jst)
    goal = plans.save_row(
        plan,
        "cele-strategiczne",
        plans.new_uid(),
        {"title": "Cel testowy"},
        None,
        User.get_by_id(world.participant.id),
    )
    return {"goal": goal.uid}


ROW = "/jst/{jst}/plan/wizja/cele-strategiczne/{goal}"
CASES = [
    Case("plans.plan_start", "/jst/{jst}/plan", jst_scoped(READERS, ok=302)),
    Case("plans.step", "/jst/{jst}/plan/diagnoza", jst_scoped(READERS)),
    Case("plans.step", "/jst/{jst}/plan/podsumowanie", jst_scoped(READERS)),
    Case(
        "plans.save_step",
        "/jst/{jst}/plan/diagnoza",
        jst_scoped({"team"}, ok=POST_OK),
        method="POST",
    ),
    Case("plans.row", ROW, jst_scoped(READERS)),
    Case("plans.row", "/jst/{jst}/plan/wizja/cele-strategiczne/nowy", jst_scoped(READERS)),
    Case(
        "plans.save_row",
        ROW,
        jst_scoped({"team"}, ok=POST_OK),
        method="POST",
        data={"title": "Zmieniony cel"},
    ),
    Case("plans.row_move", ROW + "/przesun", jst_scoped({"team"}, ok=302), method="POST"),
    Case("plans.row_delete", ROW + "/usun", jst_scoped({"team"})),
    Case("plans.confirm_status", "/jst/{jst}/plan/status/przekaz", jst_scoped({"team"})),
    Case(
        "plans.confirm_status",
        "/jst/{jst}/plan/status/zwroc",
        jst_scoped({"coordinator", "expert"}),
    ),
    Case(
        "plans.confirm_status",
        "/jst/{jst}/plan/status/zatwierdz",
        jst_scoped({"coordinator", "expert"}),
    ),
    Case("plans.confirm_status", "/jst/{jst}/plan/status/otworz", jst_scoped({"coordinator"})),
    Case(
        "plans.change_status",
        "/jst/{jst}/plan/status/przekaz",
        jst_scoped({"team"}, ok=302),
        method="POST",
    ),
    Case(
        "plans.change_status",
        "/jst/{jst}/plan/status/zwroc",
        jst_scoped({"coordinator", "expert"}, ok=302),
        method="POST",
    ),
    Case(
        "plans.change_status",
        "/jst/{jst}/plan/status/otworz",
        jst_scoped({"coordinator"}, ok=302),
        method="POST",
    ),
    Case("plans.versions", "/jst/{jst}/plan/wersje", jst_scoped(READERS)),
    Case("plans.compare", "/jst/{jst}/plan/porownaj", jst_scoped(READERS)),
]

FORMS = [
    ("participant_own", "/jst/{jst}/plan/jst"),
    ("participant_own", "/jst/{jst}/plan/diagnoza"),
    ("participant_own", "/jst/{jst}/plan/wizja"),
    ("participant_own", "/jst/{jst}/plan/monitoring"),
    ("participant_own", "/jst/{jst}/plan/wizja/cele-strategiczne/nowy"),
    ("participant_own", "/jst/{jst}/plan/wizja/cele-operacyjne/nowy"),
    ("participant_own", "/jst/{jst}/plan/koalicja/partnerzy/nowy"),
    ("participant_own", "/jst/{jst}/plan/szkoly/szkoly/nowy"),
    ("participant_own", "/jst/{jst}/plan/dzialania/dzialania/nowy"),
    ("participant_own", "/jst/{jst}/plan/monitoring/pomiary/nowy"),
    ("participant_own", "/jst/{jst}/plan/monitoring/ryzyka/nowy"),
    ("participant_own", ROW),
]
