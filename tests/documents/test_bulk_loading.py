"""A batch of plans or agreements loads in bulk (documents.batch): the same contexts as each
document loaded alone, in a number of queries that does not grow with the batch."""

from datetime import UTC, datetime

import pytest

from models.plans import (
    Action,
    ActionPartner,
    ActionSchool,
    Measurement,
    OperationalGoal,
    Partner,
    Plan,
    PlanEvent,
    PlanText,
    PlanVersion,
    Risk,
    School,
    StrategicGoal,
)
from services import documents, plans
from tests.conftest import add_member, make_jst, make_user, recorded_queries
from tests.documents.conftest import _ore_settings


def _plan_with_rows(n, status="draft"):
    """A JST with a team of two and a plan with rows of every kind (and links)."""
    jst = make_jst(f"Gmina Hurtowa {n:03d}")
    add_member(jst)
    add_member(jst)
    plan = Plan.create(jst=jst, status=status)
    PlanText.create(plan=plan, field="diagnoza_opis", value=f"Diagnoza {n}")
    goal = StrategicGoal.create(plan=plan, uid=f"g{n}", title=f"Cel {n}")
    operational = [
        OperationalGoal.create(plan=plan, uid=f"o{n}-{i}", strategic_goal=goal, title=f"Op {i}")
        for i in range(2)
    ]
    partner = Partner.create(plan=plan, uid=f"p{n}", institution=f"Biblioteka {n}")
    schools = [
        School.create(plan=plan, uid=f"s{n}-{i}", name=f"Szkoła {n}-{i}", position=i)
        for i in range(3)
    ]
    action = Action.create(
        plan=plan,
        uid=f"a{n}",
        title=f"Warsztaty {n}",
        goal=operational[0],
        responsible="Referat",
        start_month="2017-09",
        end_month="2018-06",
        cost_grosze=123456,
        indicator="liczba",
        target="10",
    )
    Action.create(plan=plan, uid=f"b{n}", title="Bez celu", indicator="", position=1)
    for school in schools[:2]:
        ActionSchool.create(action=action, school=school)
    ActionPartner.create(action=action, partner=partner)
    Measurement.create(plan=plan, uid=f"m{n}", action=action, who="dyrektor", timing=" ", how="")
    Risk.create(plan=plan, uid=f"r{n}", risk="Ryzyko", mitigation="Zapobieganie")
    if status != "draft":
        actor = make_user("expert")
        for number in (1, 2):
            PlanVersion.create(
                plan=plan,
                number=number,
                content="{}",
                submitted_at=datetime(2017, 5, number, tzinfo=UTC).replace(tzinfo=None),
            )
        if status == "accepted":
            PlanEvent.create(plan=plan, actor=actor, from_status="submitted", to_status="accepted")
    return jst


def _count_queries(call):
    with recorded_queries() as statements:
        call()
    return len(statements)


@pytest.mark.parametrize("kind", ["plan", "deklaracja", "oswiadczenie"])
def test_a_batch_loads_in_as_many_queries_for_40_plans_as_for_10(app, kind):
    _ore_settings()
    for n in range(10):
        _plan_with_rows(n, ("draft", "submitted", "accepted")[n % 3])
    documents.batch(kind)  # the first batch of a JST without a plan makes its draft
    ten = _count_queries(lambda: documents.batch(kind))
    for n in range(10, 40):
        _plan_with_rows(n, ("draft", "submitted", "accepted")[n % 3])
    forty = _count_queries(lambda: documents.batch(kind))
    assert len(documents.batch(kind)) == (80 if kind == "oswiadczenie" else 40)
    assert forty == ten


@pytest.mark.parametrize("kind", ["plan", "deklaracja"])
def test_a_batch_prints_what_each_document_loaded_alone_prints(app, kind):
    _ore_settings()
    jsts = [
        _plan_with_rows(n, status) for n, status in enumerate(("draft", "submitted", "accepted"))
    ]
    bare = make_jst("Gmina Bez Planu")  # no plan yet: the batch makes its draft
    add_member(bare)
    items = documents.batch(kind)
    alone = [documents.build_context(kind, jst) for jst in sorted([*jsts, bare], key=_name_key)]
    assert [(context, missing) for _name, context, missing in items] == alone
    assert Plan.select().where(Plan.jst == bare).exists()
    by_name = {name: context for name, context, _missing in items}
    if kind == "plan":
        accepted = by_name[documents.filename(kind, "Gmina Hurtowa 002")]
        assert accepted["accepted"] and accepted["version"] == 2 and accepted["mark"] == ""
        draft = by_name[documents.filename(kind, "Gmina Hurtowa 000")]
        assert draft["actions"][0]["schools"] == ["Szkoła 0-0", "Szkoła 0-1"]
        assert draft["actions"][0]["partners"] == ["Biblioteka 0"]
        assert draft["goals"][0]["operational"][1]["number"] == "1.2"
        gaps = {m for _n, _c, missing in items for m in missing}
        assert any("Bez celu" in gap for gap in gaps)
        assert any("kiedy, jak" in gap for gap in gaps)


def _name_key(jst):
    return (jst.name_sort, jst.id)


def test_missing_items_of_a_plan_loaded_alone_name_every_gap(app):
    jst = _plan_with_rows(1)
    gaps = [message for _step, _anchor, message in plans.missing_items(plans.get_plan(jst))]
    assert "Cel operacyjny „Op 1” nie ma żadnego działania." in gaps
    assert "Szkoła „Szkoła 1-2” nie jest objęta żadnym działaniem." in gaps
    assert any(g.startswith("Działanie „Bez celu”: brak — cel, odpowiedzialny") for g in gaps)
    assert "Pomiar wskaźnika działania „Warsztaty 1”: brak — kiedy, jak." in gaps
