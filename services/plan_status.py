"""Where the team's plan stands and what to do next (home and /jst/<id>), and the wizard's
steps as a task list."""

from dataclasses import dataclass, field

from lib.formatting import local, today_local
from lib.plural import count_pl, plural_pl
from models import User
from models.plans import OperationalGoal, PlanEvent
from models.review import Comment

from . import plans, suggestions

# A step that needs rows of an earlier one before anything can be filled in: step → (kind of
# the rows needed, why).
NEEDS = {
    "dzialania": (OperationalGoal, "najpierw cele operacyjne w kroku „Wizja i cele”"),
}

TASK_STATUS = {
    "complete": "Ukończony",
    "started": "W toku",
    "empty": "Nie rozpoczęto",
    "blocked": "Nie można jeszcze rozpocząć",
}


@dataclass
class NextAction:
    text: str
    step: str | None = None  # the wizard step the action leads to (None: the JST's documents)
    anchor: str = ""
    documents: bool = False


@dataclass
class PlanStatus:
    status: str
    status_label: str
    changed_by: str = ""
    changed_at: object = None
    return_message: str = ""
    unresolved: list = field(default_factory=list)  # [(step, title, count, first comment id)]
    unresolved_total: int = 0
    suggestions: list = field(default_factory=list)  # [(id, step, label)] open suggestions
    gaps: int = 0
    next_action: NextAction | None = None


def _last_event(plan):
    return (
        PlanEvent.select(PlanEvent, User)
        .join(User, on=PlanEvent.actor == User.id)
        .where(PlanEvent.plan == plan)
        .order_by(PlanEvent.id.desc())
        .first()
    )


def comment_links(plan):
    """step → (unresolved comments, id of the first) — the task list's badge links to it."""
    return {step: (count, first) for step, _title, count, first in _unresolved(plan)}


def _unresolved(plan):
    """[(step, title, count, first comment id)] in the order of the wizard's steps."""
    open_comments = (
        Comment.select(Comment.id, Comment.step)
        .where((Comment.plan == plan) & Comment.parent.is_null() & Comment.resolved_at.is_null())
        .order_by(Comment.id)
    )
    per_step = {}
    for comment in open_comments:
        count, first = per_step.get(comment.step, (0, comment.id))
        per_step[comment.step] = (count + 1, first)
    return [(step, title, *per_step[step]) for step, title in plans.STEPS if step in per_step]


def plan_status(plan, today=None):
    """The plan's status, who changed it when, the expert's message on a return, unresolved
    comments per step, open suggestions and one next action for the team."""
    today = today or today_local()
    result = PlanStatus(plan.status, plan.status_label)
    event = _last_event(plan)
    if event is not None:
        result.changed_by, result.changed_at = event.actor.full_name, event.at
        if plan.status == "returned":
            result.return_message = event.message
    else:
        saves = sorted(plans.step_meta(plan).values(), key=lambda meta: meta[0])
        if saves:
            result.changed_at, result.changed_by = saves[-1]
    result.unresolved = _unresolved(plan)
    result.unresolved_total = sum(count for _s, _t, count, _f in result.unresolved)
    result.suggestions = suggestions.open_list(plan)
    if plan.status in plans.EDITABLE:
        result.gaps = len(plans.blocking(plans.missing_items(plan)))
    result.next_action = _next_action(plan, result, event, today)
    return result


def _next_action(plan, result, event, today):
    if plan.status == "submitted":
        days = (today - local(event.at).date()).days if event else 0
        since = "od dziś" if days <= 0 else f"od {days} {plural_pl(days, 'dnia', 'dni', 'dni')}"
        return NextAction(f"Plan czeka na opinię eksperta {since}.", step="podsumowanie")
    if plan.status == "accepted":
        return NextAction(
            "Plan zatwierdzono. Proszę pobrać plan, podpisać go i przekazać koordynatorowi.",
            documents=True,
        )
    if plan.status == "returned" and result.suggestions:
        first, step, _label = result.suggestions[0]
        words = count_pl(
            len(result.suggestions), "propozycję zmiany", "propozycje zmian", "propozycji zmian"
        )
        return NextAction(
            f"Proszę przyjąć albo odrzucić {words} od eksperta.",
            step=step,
            anchor=f"suggestion-{first}",
        )
    if plan.status == "returned" and result.unresolved:
        step, _title, _count, first = result.unresolved[0]
        words = count_pl(result.unresolved_total, "uwagę", "uwagi", "uwag")
        return NextAction(
            f"Proszę odpowiedzieć na {words} eksperta i poprawić plan.",
            step=step,
            anchor=f"comment-{first}",
        )
    if result.gaps:
        words = count_pl(result.gaps, "brak", "braki", "braków")
        return NextAction(f"Proszę uzupełnić {words} w planie.", step="podsumowanie")
    if plan.status == "returned":
        return NextAction(
            "Plan jest poprawiony i kompletny — proszę przekazać go ponownie do opiniowania.",
            step="podsumowanie",
        )
    return NextAction(
        "Plan jest kompletny — proszę go sprawdzić i przekazać do opiniowania.",
        step="podsumowanie",
    )


def task_list(plan, states):
    """The wizard's steps but the summary as tasks: [(step, title, status key, status text,
    hint)]; a step whose select fields have nothing to choose yet cannot be started."""
    tasks = []
    for step, title in plans.STEPS[:-1]:
        state, hint = states[step], ""
        if state == "empty" and step in NEEDS:
            model, why = NEEDS[step]
            if not model.select().where(model.plan == plan).exists():
                state, hint = "blocked", f"Potrzebne są {why}."
        tasks.append((step, title, state, TASK_STATUS[state], hint))
    return tasks
