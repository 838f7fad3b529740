from models.plans import Plan
from models.review import Suggestion
from services import plans

from . import POST_OK, Case, jst_scoped

GOAL = "b" * 32


def setup(world):
    plan = plans.get_plan(world.jst)
    plans.save_row(plan, "cele-strategiczne", GOAL, {"title": "Cel"}, None, world.participant)
    Plan.update(status="returned").where(Plan.id == plan.id).execute()
    suggestion = Suggestion.create(
        plan=plan,
        step="wizja",
        field="vision",
        label="Wizja",
        base_text="",
        proposed="Wizja eksperta",
        reason="Uzasadnienie",
        author=world.expert,
    )
    return {"suggestion": suggestion.id, "goal": GOAL}


PROPOSERS = {"coordinator", "expert"}
READERS = {"coordinator", "expert", "team"}
BASE = "/jst/{jst}/plan/propozycje"

CASES = [
    Case("suggestions.index", BASE, jst_scoped(READERS)),
    Case("suggestions.detail", BASE + "/{suggestion}", jst_scoped(READERS)),
    Case("suggestions.propose_text", BASE + "/nowa/vision", jst_scoped(PROPOSERS)),
    Case(
        "suggestions.propose_text",
        BASE + "/nowa/vision",
        jst_scoped(PROPOSERS, ok=POST_OK),
        method="POST",
        data={"vision": "Nowa wizja", "o_vision": "", "reason": "Bo tak"},
    ),
    Case("suggestions.propose_row", BASE + "/nowa/cele-strategiczne/{goal}", jst_scoped(PROPOSERS)),
    Case(
        "suggestions.propose_row",
        BASE + "/nowa/cele-strategiczne/{goal}",
        jst_scoped(PROPOSERS, ok=POST_OK),
        method="POST",
        data={"title": "Nowy cel", "o_title": "", "reason": "Bo tak"},
    ),
    Case(
        "suggestions.accept",
        BASE + "/{suggestion}/przyjmij",
        jst_scoped({"team"}, ok=POST_OK),
        method="POST",
        data={"na": ""},
    ),
    Case(
        "suggestions.reject",
        BASE + "/{suggestion}/odrzuc",
        jst_scoped({"team"}, ok=POST_OK),
        method="POST",
        data={"reply": "Nie"},
    ),
]

FORMS = [("expert_own", BASE + "/nowa/vision"), ("participant_own", BASE + "/{suggestion}")]
