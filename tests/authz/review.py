from models.review import Comment, Notification
from services import plans

from . import LOGIN_REDIRECT, POST_OK, ROLES, Case, global_, jst_scoped

EVERYONE = {"participant", "expert", "coordinator", "admin"}


def setup(world):
    plan = plans.get_plan(world.jst)
    comment = Comment.create(
        plan=plan, step="diagnoza", plan_version=1, author=world.expert, body="Uwaga testowa"
    )
    note = Notification.create(
        user=world.participant,
        kind="comment",
        text="Nowa uwaga",
        url=f"/jst/{world.jst.id}/plan/diagnoza",
    )
    return {"comment": comment.id, "note": note.id}


def _own_note():
    expect = {role: frozenset({404}) for role in ROLES}
    expect["anon"] = LOGIN_REDIRECT
    expect["participant_own"] = frozenset({302})
    return expect


CASES = [
    Case("review.worklist", "/opiniowanie", global_({"expert", "coordinator"})),
    Case("review.read", "/jst/{jst}/plan/czytaj", jst_scoped({"coordinator", "expert", "team"})),
    Case(
        "review.comment",
        "/jst/{jst}/plan/uwagi",
        jst_scoped({"coordinator", "expert"}, ok=302),
        method="POST",
        data={"step": "diagnoza", "body": "Uwaga"},
    ),
    Case(
        "review.answer",
        "/jst/{jst}/plan/uwagi/{comment}/odpowiedz",
        jst_scoped({"coordinator", "expert", "team"}, ok=302),
        method="POST",
        data={"body": "Odpowiedź"},
    ),
    Case(
        "review.resolve",
        "/jst/{jst}/plan/uwagi/{comment}/rozwiaz",
        jst_scoped({"coordinator", "expert"}, ok=302),
        method="POST",
    ),
    Case("review.notifications", "/powiadomienia", global_(EVERYONE)),
    Case("review.open_notification", "/powiadomienia/{note}", _own_note()),
    Case("review.read_all", "/powiadomienia/przeczytane", global_(EVERYONE, ok=302), method="POST"),
    Case("review.visit", "/jst/{jst}/wizyta", jst_scoped({"coordinator", "expert", "team"})),
    Case("review.visit", "/jst/{jst}/wizyta", jst_scoped({"expert"}, ok=POST_OK), method="POST"),
    Case("review.visits", "/wizyty", global_({"coordinator"})),
]

FORMS = [("expert_own", "/jst/{jst}/wizyta")]
