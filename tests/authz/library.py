from models.library import LibraryEntry
from services import plans
from tests.conftest import make_jst

from . import POST_OK, Case, global_, jst_scoped, public

SIGNED_IN = global_({"participant", "expert", "coordinator"})


def setup(world):
    """An accepted plan of a third JST, so the library has an entry to copy."""
    jst = make_jst("Gmina Biblioteczna")
    plan = plans.get_plan(jst)
    plans.save_row(plan, "dzialania", plans.new_uid(), {"title": "Działanie wzorcowe"}, None, None)
    plan.status = "submitted"
    plan.save()
    plans.transition(plan, "accept", None)
    return {"entry": LibraryEntry.get(LibraryEntry.jst == jst).id}


CASES = [
    Case("library.search", "/biblioteka", SIGNED_IN),
    Case(
        "library.use",
        "/jst/{jst}/biblioteka/{entry}/uzyj",
        jst_scoped({"team"}, ok=POST_OK),
        method="POST",
    ),
    Case("library.choice", "/jst/{jst}/biblioteka", jst_scoped({"team", "coordinator"})),
    Case(
        "library.choice",
        "/jst/{jst}/biblioteka",
        jst_scoped({"team", "coordinator"}, ok=POST_OK),
        method="POST",
    ),
    Case("library.opted_out", "/biblioteka/poza-biblioteka", global_({"coordinator"})),
    Case("library.best", "/najlepsze-plany", public()),
    Case("library.best_pdf", "/najlepsze-plany/{jst}/plan.pdf", public(404)),
]
