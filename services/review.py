"""Expert review: the worklist, comments and replies anchored to steps and rows, notifications
(in-app, and e-mail through the outbox in the same transaction), the expert visit."""

from datetime import timedelta

from peewee import fn

from models import (
    ExpertAssignment,
    Jst,
    TeamMembership,
    User,
    locked,
    prepared,
    utcnow,
    write_tx,
)
from models.plans import Plan, PlanEvent
from models.review import Comment, ExpertVisit, Notification

from . import mail, plans, preferences

VISIT_FORMS = [
    ("spotkanie", "spotkanie"),
    ("szkolenie", "szkolenie"),
    ("konsultacja", "konsultacja"),
]


# ---------- notifications ----------


def notify(users, kind, text, url, config, exclude=None):
    """A notification for each user (not the one who caused it), and an e-mail through the
    outbox when SMTP is configured — in the caller's transaction."""
    people = {u.id: u for u in users if u is not None}
    wanted = preferences.immediate(people) if mail.enabled(config) else set()
    for user in people.values():
        if exclude is not None and user.id == exclude.id:
            continue
        Notification.create(user=user, kind=kind, text=text[:300], url=url[:300])
        if user.id not in wanted:  # a daily digest or in-app only (services/preferences.py)
            continue
        mail.queue(
            config,
            user.email,
            f"Plan JST: {text[:120]}",
            f"Dzień dobry,\n\n{text}\n\nSzczegóły: {config.get('BASE_URL', '')}{url}\n",
        )


def unread_count(user):
    """For the menu of every page."""
    rows = prepared(
        "unread notifications",
        lambda: (
            Notification.select(fn.COUNT(Notification.id))
            .where((Notification.user == user.id) & Notification.read_at.is_null())
            .tuples()
        ),
        [user.id],
    )
    return rows[0][0]


def notifications(user, limit=100):
    return list(
        Notification.select()
        .where(Notification.user == user)
        .order_by(Notification.id.desc())
        .limit(limit)
    )


def open_notification(user, notification_id):
    """Mark it read; returns its link (None when it is not the user's)."""
    with write_tx():
        row = Notification.get_or_none(
            (Notification.id == notification_id) & (Notification.user == user)
        )
        if row is None:
            return None
        if row.read_at is None:
            row.read_at = utcnow()
            row.save()
    return row.url


def mark_all_read(user):
    with write_tx():
        Notification.update(read_at=utcnow()).where(
            (Notification.user == user) & Notification.read_at.is_null()
        ).execute()


def _team(jst_id):
    return [
        m.user
        for m in TeamMembership.select(TeamMembership, User)
        .join(User)
        .where((TeamMembership.jst == jst_id) & TeamMembership.left_at.is_null())
    ]


def _expert(jst_id):
    row = (
        ExpertAssignment.select(ExpertAssignment, User)
        .join(User)
        .where((ExpertAssignment.jst == jst_id) & ExpertAssignment.ended_at.is_null())
        .first()
    )
    return row.expert if row else None


TRANSITION_TEXT = {
    "submit": "Plan JST {jst} przekazano do opiniowania.",
    "return": "Plan JST {jst} zwrócono do poprawy.",
    "accept": "Plan JST {jst} zatwierdzono.",
    "reopen": "Plan JST {jst} otwarto ponownie do poprawy.",
}


def on_transition(plan, action, actor, url, config):
    jst = Jst.get_by_id(plan.jst_id)
    text = TRANSITION_TEXT[action].format(jst=jst.name)
    recipients = [_expert(jst.id)] if action == "submit" else _team(jst.id)
    with write_tx():
        notify(recipients, action, text, url, config, exclude=actor)


def last_decision(plan):
    """The latest return, acceptance or reopening (shown at the top of the plan)."""
    return (
        PlanEvent.select(PlanEvent, User)
        .join(User, on=PlanEvent.actor == User.id)
        .where((PlanEvent.plan == plan) & (PlanEvent.to_status.in_(["returned", "accepted"])))
        .order_by(PlanEvent.id.desc())
        .first()
    )


# ---------- comments ----------


def current_version_number(plan):
    """The version the plan shows now: a draft counts as the next version; a submitted or
    accepted plan is its last frozen version (what a comment written now is about)."""
    number = plans.next_version_number(plan)
    return number if plan.status in plans.EDITABLE else max(number - 1, 1)


def previous_comparison(plan):
    """(earlier, later) version numbers that compare the current version with the previous one;
    None when there is no earlier version."""
    later = current_version_number(plan)
    return (later - 1, later) if later > 1 else None


def anchor(plan, kind, uid):
    """(step, label, row version) of a comment's target; None when the target does not exist."""
    if not kind:
        return None
    spec = plans.ROW_KINDS.get(kind)
    row = plans.get_row(plan, kind, uid) if spec else None
    if row is None:
        return None
    for name in ("title", "institution", "name", "risk", "who"):
        if getattr(row, name, ""):
            return spec.step, str(getattr(row, name))[:200], row.version
    return spec.step, spec.singular, row.version


DOUBLE_CLICK = timedelta(seconds=60)


def _just_sent(plan, author, parent, step, kind, uid, body):
    """The same comment by the same person moments ago (a double click, a resent form): it is
    not created twice. Called in the write transaction, after the plan's row is locked."""
    locked(Plan.select().where(Plan.id == plan.id)).get()  # PostgreSQL: one such check at a time
    return (
        Comment.select()
        .where(
            (Comment.plan == plan.id)
            & (Comment.author == author.id)
            & (Comment.parent == parent if parent else Comment.parent.is_null())
            & (Comment.step == step)
            & (Comment.row_kind == (kind or ""))
            & (Comment.row_uid == (uid if kind else ""))
            & (Comment.body == body)
            & (Comment.created_at > utcnow() - DOUBLE_CLICK)
        )
        .first()
    )


DELETED_ROW = "(pozycja usunięta)"


def comment_on_deleted(comment):
    """Whether a comment was meant for a row deleted before it was saved."""
    return not comment.row_kind and comment.row_label.endswith(DELETED_ROW)


def add_comment(plan, step, kind, uid, body, author, url, config):
    """A new comment on a step (kind "") or a row; the team is notified. A comment on a row
    deleted meanwhile is kept on the row's step, its label saying so (see comment_on_deleted)."""
    row_label, row_version = "", None
    if kind:
        target = anchor(plan, kind, uid)
        if target is None:  # the expert's text is not lost: it goes to the row's step
            spec = plans.ROW_KINDS[kind]
            step, row_label = spec.step, f"{spec.singular} {DELETED_ROW}"
            kind = uid = ""
        else:
            step, row_label, row_version = target
    with write_tx():
        earlier = _just_sent(plan, author, None, step, kind, uid, body)
        if earlier is not None:
            return earlier
        comment = Comment.create(
            plan=plan,
            step=step,
            row_kind=kind or "",
            row_uid=uid if kind else "",
            row_label=row_label,
            row_version=row_version,
            plan_version=current_version_number(Plan.get_by_id(plan.id)),  # the status now
            author=author,
            body=body,
        )
        jst = Jst.get_by_id(plan.jst_id)
        notify(
            _team(jst.id),
            "comment",
            f"Nowa uwaga do planu JST {jst.name} ({plans.STEP_TITLES[step]}).",
            url,
            config,
            exclude=author,
        )
    return comment


def reply(comment, body, author, url, config):
    with write_tx():
        plan = Plan.get_by_id(comment.plan_id)
        earlier = _just_sent(
            plan, author, comment, comment.step, comment.row_kind, comment.row_uid, body
        )
        if earlier is not None:
            return earlier
        answer = Comment.create(
            plan=plan,
            parent=comment,
            step=comment.step,
            row_kind=comment.row_kind,
            row_uid=comment.row_uid,
            row_label=comment.row_label,
            plan_version=current_version_number(plan),
            author=author,
            body=body,
        )
        jst = Jst.get_by_id(plan.jst_id)
        thread = [comment.author] + [r.author for r in comment.replies]
        recipients = thread + _team(jst.id) + [_expert(jst.id)]
        notify(
            recipients,
            "reply",
            f"Nowa odpowiedź w wątku uwag do planu JST {jst.name}.",
            url,
            config,
            exclude=author,
        )
    return answer


def set_resolved(comment, resolved, user):
    with write_tx():
        comment.resolved_at = utcnow() if resolved else None
        comment.resolved_by = user if resolved else None
        comment.save()


def get_comment(plan, comment_id):
    return Comment.get_or_none(
        (Comment.id == comment_id) & (Comment.plan == plan) & Comment.parent.is_null()
    )


def threads(plan):
    """step → [comment with .thread (replies), .changed (the row was edited since), .earlier
    (written on an earlier version than the current one)]."""
    author = User.alias()
    rows = list(
        Comment.select(Comment, author)
        .join(author, on=Comment.author == author.id)
        .where(Comment.plan == plan)
        .order_by(Comment.id)
    )
    versions = {}
    for kind in {c.row_kind for c in rows if c.row_kind}:
        model = plans.ROW_KINDS[kind].model
        versions.update(
            {
                (kind, r.uid): r.version
                for r in model.select(model.uid, model.version).where(model.plan == plan)
            }
        )
    top = {c.id: c for c in rows if c.parent_id is None}
    current_version = current_version_number(plan)
    result = {}
    for comment in top.values():
        comment.thread = []
        current = versions.get((comment.row_kind, comment.row_uid))
        comment.removed = bool(comment.row_kind) and current is None
        comment.changed = bool(comment.row_kind) and current not in (None, comment.row_version)
        comment.earlier = comment.plan_version < current_version
        result.setdefault(comment.step, []).append(comment)
    for comment in rows:
        if comment.parent_id in top:
            top[comment.parent_id].thread.append(comment)
    return result


def unresolved_counts(plan):
    query = (
        Comment.select(Comment.step, fn.COUNT(Comment.id).alias("n"))
        .where((Comment.plan == plan) & Comment.parent.is_null() & Comment.resolved_at.is_null())
        .group_by(Comment.step)
    )
    return {row.step: row.n for row in query.objects()}


# ---------- worklist ----------


# ---------- the expert visit ----------


def visit(jst):
    return ExpertVisit.get_or_none(ExpertVisit.jst == jst)


def save_visit(jst, expert, data):
    with write_tx():
        row = visit(jst) or ExpertVisit(jst=jst)
        row.expert = expert
        for name, value in data.items():
            setattr(row, name, value)
        row.updated_at = utcnow()
        row.save()
    return row


def seed_demo(ctx):
    """A comment thread on Powiat Testowy's plan (idempotent)."""
    jst = next((j for j in ctx["jsts"] if j.name == "Powiat Testowy"), None)
    expert = ctx["users"].get("ekspert2@example.org")
    if jst is None or expert is None:
        return
    plan = plans.get_plan(jst)
    if Comment.select().where(Comment.plan == plan).exists():
        return
    action = plans.rows(plan, "dzialania")[0]
    Comment.create(
        plan=plan,
        step="dzialania",
        row_kind="dzialania",
        row_uid=action.uid,
        row_label=action.title,
        row_version=action.version,
        plan_version=2,
        author=expert,
        body="Proszę doprecyzować wskaźnik: ilu nauczycieli?",
    )
