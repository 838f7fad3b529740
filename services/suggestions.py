"""Expert suggestions (issue 30.2): the plan's expert proposes new text for a text field or a
row's field, with a reason; the team accepts it in one click — through the wizard's own saves
(save_texts / save_edit) and only over the text it saw — or rejects it with a reply. Each
decision is in the plan's history and the audit log, and notified to the expert."""

from dataclasses import dataclass

from peewee import JOIN

from models import Jst, User, locked, utcnow, write_tx
from models.plans import Plan
from models.review import Suggestion

from . import audit, plans, review
from .plans import NotEditable

# a row kind → the fields of its rows an expert may propose text for: free text only (choices,
# dates, amounts and the schools' register data are the team's facts)
ROW_FIELDS = {
    "cele-strategiczne": ("title",),
    "cele-operacyjne": ("title",),
    "partnerzy": ("role", "contribution"),
    "dzialania": (
        "title",
        "responsible",
        "funding",
        "expected_result",
        "indicator",
        "target",
        "verification",
    ),
    "pomiary": ("who", "timing", "how"),
    "ryzyka": ("risk", "mitigation"),
}
PROPOSABLE = {"submitted", "returned"}  # the plan's statuses a suggestion may be made on
STATUS_LABELS = {"open": "do rozpatrzenia", "accepted": "przyjęta", "rejected": "odrzucona"}
LONG = 10_000

# what a decision came to (Decision.result)
ACCEPTED, REJECTED, ALREADY, CONFLICT, GONE = "accepted", "rejected", "already", "conflict", "gone"


class NotProposable(Exception):
    """The plan is a draft or accepted: nothing to propose on."""


@dataclass(frozen=True)
class Target:
    """What a suggestion is about: a text field (kind "") or fields of one row."""

    step: str
    kind: str
    uid: str
    fields: tuple  # ((field, label, max length, current text), ...)
    label: str  # the text field's label, or the row's kind and name


@dataclass(frozen=True)
class Decision:
    """ACCEPTED / REJECTED: done now. ALREADY: decided before (a double click): nothing changed.
    CONFLICT: the text changed since the text the team was shown — `current` is it now. GONE:
    the row was deleted meanwhile."""

    result: str
    suggestion: Suggestion
    current: str = ""


def field_label(kind, field):
    if not kind:
        return plans.TEXT_LABELS[field]
    return plans.FIELD_LABELS[field]


def _max_length(kind, field):
    if not kind:
        return LONG
    return getattr(getattr(plans.ROW_KINDS[kind].model, field), "max_length", None) or LONG


def _row_name(row):
    for name in ("title", "institution", "name", "risk", "who"):
        if getattr(row, name, ""):
            return str(getattr(row, name))
    return ""


def target(plan, kind, uid, field=""):
    """The Target of a text field (`kind` "") or of a row; None when there is no such field or
    row in this plan."""
    if not kind:
        if field not in plans.TEXT_LABELS:
            return None
        step = next(s for s, fields in plans.TEXT_FIELDS.items() if field in dict(fields))
        saved = plans.texts(plan).get(field)
        text = saved.value if saved else ""
        label = plans.TEXT_LABELS[field]
        return Target(step, "", "", ((field, label, LONG, text),), label)
    if kind not in ROW_FIELDS:
        return None
    row = plans.get_row(plan, kind, uid)
    if row is None:
        return None
    spec = plans.ROW_KINDS[kind]
    fields = tuple(
        (name, field_label(kind, name), _max_length(kind, name), getattr(row, name) or "")
        for name in ROW_FIELDS[kind]
    )
    name = _row_name(row)
    label = f"{spec.singular} „{name[:200]}”" if name else spec.singular
    return Target(spec.step, kind, row.uid, fields, label)


def _current_text(plan, suggestion):
    """The suggestion's field as saved now; None when its row was deleted."""
    if not suggestion.row_kind:
        saved = plans.texts(plan).get(suggestion.field)
        return saved.value if saved else ""
    row = plans.get_row(plan, suggestion.row_kind, suggestion.row_uid)
    return None if row is None else getattr(row, suggestion.field) or ""


def _lock(plan):
    return locked(Plan.select().where(Plan.id == plan.id)).get()


def propose(plan, where, proposed, shown, reason, author, url, config):
    """Suggestions for the fields of `where` (a Target) whose text `proposed` ({field: text})
    changes, made on the texts `shown` ({field: digest of the text the form showed}).
    Returns (created suggestions, stale fields): when a field's text changed since the form
    showed it nothing is created and its name is in `stale`. The same open suggestion sent
    twice (a double click) is created once. Raises NotProposable for a draft or accepted plan."""
    with write_tx():
        if _lock(plan).status not in PROPOSABLE:
            raise NotProposable()
        fresh = target(plan, where.kind, where.uid, where.fields[0][0])
        if fresh is None:
            return [], [name for name, *_rest in where.fields]
        now = {name: text for name, _label, _max, text in fresh.fields}
        stale = [name for name in proposed if plans.digest(now.get(name, "")) != shown.get(name)]
        if stale:
            return [], stale
        created = []
        for name, text in proposed.items():
            if text == now[name]:
                continue
            created.append(
                Suggestion.get_or_none(
                    (Suggestion.plan == plan.id)
                    & (Suggestion.author == author.id)
                    & (Suggestion.status == "open")
                    & (Suggestion.row_kind == fresh.kind)
                    & (Suggestion.row_uid == fresh.uid)
                    & (Suggestion.field == name)
                    & (Suggestion.proposed == text)
                )
                or Suggestion.create(
                    plan=plan,
                    step=fresh.step,
                    row_kind=fresh.kind,
                    row_uid=fresh.uid,
                    field=name,
                    label=(
                        fresh.label
                        if not fresh.kind
                        else f"{fresh.label} — {field_label(fresh.kind, name)}"
                    )[:300],
                    base_text=now[name],
                    proposed=text,
                    reason=reason,
                    author=author,
                )
            )
        if created:
            jst = Jst.get_by_id(plan.jst_id)
            review.notify(
                review._team(jst.id),
                "suggestion",
                f"Ekspert zaproponował zmianę w planie JST {jst.name} ({fresh.label}).",
                url,
                config,
                exclude=author,
            )
    return created, []


def get(plan, suggestion_id):
    return Suggestion.get_or_none((Suggestion.id == suggestion_id) & (Suggestion.plan == plan.id))


def accept(plan, suggestion_id, shown, user, url, config):
    """Apply the suggestion through the wizard's save, over the text the team was shown
    (`shown`: its digest — the text the suggestion was made on, or after a conflict the text
    saved then). Returns a Decision; raises NotEditable when the plan is not editable."""
    with write_tx():
        fresh = _lock(plan)
        suggestion = locked(Suggestion.select().where(Suggestion.id == suggestion_id)).get()
        if suggestion.status != "open":
            return Decision(ALREADY, suggestion)
        if fresh.status not in plans.EDITABLE:
            raise NotEditable()
        current = _current_text(plan, suggestion)
        if current is None:
            return Decision(GONE, suggestion)
        if current == suggestion.proposed:  # the team wrote just that meanwhile
            _decide(suggestion, "accepted", user, "", url, config)
            return Decision(ACCEPTED, suggestion)
        if plans.digest(current) != shown:
            return Decision(CONFLICT, suggestion, current)
        if suggestion.row_kind:
            _save_row_field(plan, suggestion, user)
        else:
            saved = plans.texts(plan).get(suggestion.field)
            conflicts = plans.save_texts(
                plan,
                suggestion.step,
                {suggestion.field: (suggestion.proposed, saved.version if saved else 0)},
                user,
            )
            if conflicts:  # cannot happen under the plan's lock; never applied blindly
                return Decision(CONFLICT, suggestion, conflicts[0][2])
        _decide(suggestion, "accepted", user, "", url, config)
    return Decision(ACCEPTED, suggestion)


def _save_row_field(plan, suggestion, user):
    """The row as saved, with the suggested field changed, through save_edit."""
    edit = plans.open_row(plan, suggestion.row_kind, suggestion.row_uid)
    values, links = plans.saved_values(suggestion.row_kind, edit.row)
    values[suggestion.field] = suggestion.proposed
    submitted = plans.RowInput(values, links, edit.row.version, edit.opened, edit.row.uid)
    outcome = plans.save_edit(plan, edit, submitted, user)
    if outcome.result != plans.SAVED:  # cannot happen under the plan's lock
        raise plans.RowConflict(outcome.edit.row)


def reject(plan, suggestion_id, reply, user, url, config):
    """Reject the suggestion with the team's reply (a Decision: REJECTED or ALREADY)."""
    with write_tx():
        _lock(plan)
        suggestion = locked(Suggestion.select().where(Suggestion.id == suggestion_id)).get()
        if suggestion.status != "open":
            return Decision(ALREADY, suggestion)
        _decide(suggestion, "rejected", user, reply, url, config)
    return Decision(REJECTED, suggestion)


def _decide(suggestion, status, user, reply, url, config):
    suggestion.status, suggestion.decided_at = status, utcnow()
    suggestion.decided_by, suggestion.reply = user, reply
    suggestion.save()
    plan = Plan.get_by_id(suggestion.plan_id)
    jst = Jst.get_by_id(plan.jst_id)
    word = "przyjął" if status == "accepted" else "odrzucił"
    review.notify(
        [User.get_by_id(suggestion.author_id)],
        "suggestion",
        f"Zespół JST {jst.name} {word} propozycję zmiany: {suggestion.label}.",
        url,
        config,
        exclude=user,
    )
    audit.record(
        f"suggestion_{status}", actor=user, subject=f"jst:{jst.id}", details=f"{suggestion.id}"
    )


def with_diff(suggestions):
    for s in suggestions:
        s.diff = plans.word_diff(s.base_text, s.proposed)
        s.base_digest = plans.digest(s.base_text)
    return suggestions


def _joined():
    author, decider = User.alias(), User.alias()
    return (
        Suggestion.select(Suggestion, author, decider)
        .join(author, on=Suggestion.author == author.id)
        .switch(Suggestion)
        .join(decider, JOIN.LEFT_OUTER, on=Suggestion.decided_by == decider.id)
    )


def for_plan(plan):
    """All the plan's suggestions, open ones first, each with .diff."""
    rows = list(_joined().where(Suggestion.plan == plan.id).order_by(Suggestion.id))
    return with_diff(sorted(rows, key=lambda s: (s.status != "open", s.id)))


def open_by_target(plan, step):
    """The step's open suggestions: {(row kind, uid or field): [suggestion with .diff]} — a text
    field's under ("", field), a row's under (kind, uid)."""
    rows = with_diff(
        list(
            _joined()
            .where(
                (Suggestion.plan == plan.id)
                & (Suggestion.step == step)
                & (Suggestion.status == "open")
            )
            .order_by(Suggestion.id)
        )
    )
    result = {}
    for s in rows:
        result.setdefault((s.row_kind, s.row_uid or s.field), []).append(s)
    return result


def open_list(plan):
    """[(id, step, label)] of the plan's open suggestions (the team's next step)."""
    return list(
        Suggestion.select(Suggestion.id, Suggestion.step, Suggestion.label)
        .where((Suggestion.plan == plan.id) & (Suggestion.status == "open"))
        .order_by(Suggestion.id)
        .tuples()
    )


def decided(plan):
    """The plan's decided suggestions, for its history."""
    return list(
        _joined()
        .where((Suggestion.plan == plan.id) & (Suggestion.status != "open"))
        .order_by(Suggestion.decided_at)
    )


def expert_outcomes(user, limit=20):
    """The expert's latest suggestions with their JST: what the teams did with them."""
    return list(
        Suggestion.select(Suggestion, Plan, Jst)
        .join(Plan)
        .join(Jst)
        .where(Suggestion.author == user.id)
        .order_by(Suggestion.status == "open", Suggestion.decided_at.desc(), Suggestion.id.desc())
        .limit(limit)
    )


def seed_demo(ctx):
    """An open suggestion for the vision of Powiat Testowy's submitted plan (idempotent)."""
    jst = next((j for j in ctx["jsts"] if j.name == "Powiat Testowy"), None)
    expert = ctx["users"].get("ekspert2@example.org")
    if jst is None or expert is None:
        return
    plan = plans.get_plan(jst)
    if plan.status not in PROPOSABLE or Suggestion.select().where(Suggestion.plan == plan).exists():
        return
    vision = plans.texts(plan).get("vision")
    if vision is None:
        return
    Suggestion.create(
        plan=plan,
        step="wizja",
        field="vision",
        label=plans.TEXT_LABELS["vision"],
        base_text=vision.value,
        proposed=vision.value.replace("Do 2025 roku", "Do końca 2025 roku", 1)
        + " Postęp będzie co roku omawiany z koalicją na rzecz rozwoju oświaty.",
        reason="Warto wskazać, kto i jak często ocenia postęp w realizacji wizji.",
        author=expert,
    )
