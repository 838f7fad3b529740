"""Coordinator lists that stay usable at 1,000 JSTs (issue 17): one page of rows from a bounded
number of queries, filters checked against their allowed values, personal data decrypted only
for the rows shown."""

from collections import namedtuple
from datetime import date, datetime

from peewee import JOIN, SQL, Case, DateField, Select, fn

from lib.formatting import today_local
from lib.text import fold
from models import PROGRAM_GROUPS, Jst, TeamMembership, User, db
from models.documents import SignedCopy
from models.participants import ENCRYPTED, ParticipantData
from models.plans import STATUS_LABELS, Plan, PlanEvent, PlanVersion
from models.programme import (
    REPORT_STATUS,
    Attendance,
    BestPlan,
    Consultation,
    Module,
    TaskReport,
)
from models.review import Comment, ExpertVisit, Notification

from . import kept
from .participants import REQUIRED

PER_PAGE = 50


def int_arg(value, allowed=None):
    """A positive integer from a query string, or None (not a number, too big, not allowed)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    if not 0 < number < 2**31 or (allowed is not None and number not in allowed):
        return None
    return number


def text_arg(value):
    return (value or "").strip()[:100]


def pages_for(total, per_page=PER_PAGE):
    return max((total + per_page - 1) // per_page, 1)


def clamp_page(page, total, per_page=PER_PAGE):
    """A page past the end (or not a number) is the first page."""
    return page if page and page <= pages_for(total, per_page) else 1


def page_of(items, page, per_page=PER_PAGE):
    """(the items of `page`, the page actually shown, the number of pages) of a list."""
    page = clamp_page(page, len(items), per_page)
    start = (page - 1) * per_page
    return items[start : start + per_page], page, pages_for(len(items), per_page)


def jst_filter(q="", group=None):
    """The WHERE clause for a JST search (diacritic-insensitive, as /jst) and group."""
    where = Jst.status == "active"
    if q:
        where &= Jst.name_key.contains(fold(q))
    if group in PROGRAM_GROUPS:
        where &= Jst.program_group == group
    return where


# ---------- participants (/uczestnicy) ----------

PARTICIPANT_STATES = {"brak": "bez danych lub bez zgody", "sa": "z danymi i zgodą"}


def _complete():
    """SQL: whether the participant's record has what the declaration needs (as
    services.participants.missing_fields decides for one record) — without decrypting anything:
    an empty value is stored empty (lib.crypto.encrypt), a given one as a non-empty token."""
    data = ParticipantData
    complete = data.id.is_null(False) & data.clause_accepted_at.is_null(False)
    for name in REQUIRED:
        column = getattr(data, f"{name}_enc" if name in ENCRYPTED else name)
        complete &= column.is_null(False)
        if not isinstance(column, DateField):
            complete &= column != ""
    return complete & (data.no_pesel | (data.pesel_enc != ""))


Person = namedtuple("Person", "id full_name")


@kept.keeps("participant_page")
def participant_page(q="", group=None, state="", page=1):
    """One page of the current participants: ([(person, jst name, complete)], page, pages,
    total, without_data). Three queries whatever the number of participants; nothing is
    decrypted (whether a record is complete is decided in the database)."""
    where = TeamMembership.left_at.is_null() & jst_filter(group=group)
    if q:
        where &= Jst.name_key.contains(fold(q)) | User.name_key.contains(fold(q))
    no_data = ParticipantData.id.is_null() | ParticipantData.clause_accepted_at.is_null()
    base = (
        TeamMembership.select()
        .join(User)
        .switch(TeamMembership)
        .join(Jst)
        .switch(TeamMembership)
        .join(
            ParticipantData,
            JOIN.LEFT_OUTER,
            on=ParticipantData.user == TeamMembership.user,
            attr="data",
        )
    )
    without_data = base.select(fn.COUNT(TeamMembership.id)).where(where & no_data).scalar()
    if state == "brak":
        where &= no_data
    elif state == "sa":
        where &= ~no_data
    total = base.select(fn.COUNT(TeamMembership.id)).where(where).scalar()
    page = clamp_page(page, total)
    query = (
        base.select(User.id, User.full_name, Jst.name, Case(None, [(_complete(), 1)], 0))
        .where(where)
        .order_by(Jst.name_sort, User.full_name, TeamMembership.id)
        .paginate(page, PER_PAGE)
        .tuples()
    )
    rows = [
        (Person(user_id, name), jst_name, bool(done)) for user_id, name, jst_name, done in query
    ]
    return rows, page, pages_for(total), total, without_data


# ---------- the review worklist (/opiniowanie) ----------


def review_page(user, jst_ids, q="", group=None, status="", page=1):
    """One page of the worklist: the JSTs (ids; None = all) with plan status, submission date,
    days waiting, unresolved comments and the user's unread replies; the oldest waiting plan
    first. Three queries whatever the number of JSTs; a JST without a plan yet is a draft (a
    read page creates no plans). Returns (items, page, pages, total)."""
    items, page, pages, total = _review_rows(jst_ids, q, group, status, page)
    unread = {}
    for (url,) in (
        Notification.select(Notification.url)
        .where(
            (Notification.user == user)
            & Notification.read_at.is_null()
            & (Notification.kind == "reply")
        )
        .tuples()
    ):
        parts = url.split("/")
        if len(parts) > 2 and parts[1] == "jst" and parts[2].isdigit():
            unread[int(parts[2])] = unread.get(int(parts[2]), 0) + 1
    items = [{**item, "unread": unread.get(item["jst_id"], 0)} for item in items]
    return items, page, pages, total


@kept.keeps("review_rows")
def _review_rows(jst_ids, q, group, status, page):
    """review_page without the user's unread replies (kept: the same for every reviewer)."""
    where = jst_filter(q, group)
    if jst_ids is not None:
        where &= Jst.id.in_(sorted(jst_ids) or [0])
    plan_status = fn.COALESCE(Plan.status, "draft")
    if status in STATUS_LABELS:
        where &= plan_status == status
    submitted = PlanEvent.select(fn.MAX(PlanEvent.at)).where(
        (PlanEvent.plan == Plan.id) & (PlanEvent.to_status == "submitted")
    )
    unresolved = Comment.select(fn.COUNT(Comment.id)).where(
        (Comment.plan == Plan.id) & Comment.parent.is_null() & Comment.resolved_at.is_null()
    )
    base = Jst.select().join(Plan, JOIN.LEFT_OUTER, on=Plan.jst == Jst.id).where(where)
    total = base.select(fn.COUNT(Jst.id)).scalar()
    page = clamp_page(page, total)
    waiting = Case(None, [(plan_status == "submitted", 0)], 1)
    rows = list(
        base.select(
            Jst.id,
            Jst.name,
            plan_status.alias("status"),
            submitted.alias("submitted_at"),
            unresolved.alias("unresolved"),
        )
        .order_by(waiting, submitted, Jst.name_sort, Jst.id)
        .paginate(page, PER_PAGE)
        .dicts()
    )
    today = today_local()
    items = []
    for row in rows:
        at = row["submitted_at"]
        if isinstance(at, str):  # SQLite gives a subquery's MAX() back as text
            at = datetime.fromisoformat(at)
        items.append(
            {
                "jst_id": row["id"],
                "name": row["name"],
                "status_label": STATUS_LABELS.get(row["status"], row["status"]),
                "submitted_at": at,
                "waiting_days": (today - at.date()).days
                if at and row["status"] == "submitted"
                else None,
                "unresolved": row["unresolved"] or 0,
            }
        )
    return items, page, pages_for(total), total


# ---------- attendance (/obecnosc) ----------


@kept.keeps("attendance_page")
def attendance_page(q="", group=None, page=1, today=None):
    """One page of the current participants with their attendance share (as
    services.programme.attendance_rates counts it, for the page's people only): ([(name, jst name,
    percent)], page, pages, total). Four queries whatever the number of people."""
    today = today or today_local()
    where = TeamMembership.left_at.is_null() & jst_filter(q, group)
    base = TeamMembership.select().join(User).switch(TeamMembership).join(Jst).where(where)
    total = base.select(fn.COUNT(TeamMembership.id)).scalar()
    page = clamp_page(page, total)
    members = list(
        base.select(TeamMembership.user, TeamMembership.joined_at, User.full_name, Jst.name)
        .order_by(Jst.name_sort, User.full_name, TeamMembership.id)
        .paginate(page, PER_PAGE)
        .tuples()
    )
    begun = list(Module.select().where(Module.start_date <= today))
    present = {}
    if begun and members:
        present = dict(
            Attendance.select(Attendance.user, fn.COUNT(Attendance.id))
            .where(
                Attendance.user.in_([m[0] for m in members])
                & Attendance.module.in_([m.id for m in begun])
            )
            .group_by(Attendance.user)
            .tuples()
        )
    rows = []
    for user_id, joined, name, jst_name in members:
        start = joined or date.min
        days = sum(max((m.end_date - max(m.start_date, start)).days + 1, 0) for m in begun)
        share = round(min(100 * present.get(user_id, 0) / days, 100)) if days else 0
        rows.append((name, jst_name, share))
    return rows, page, pages_for(total), total


# ---------- implementation tasks (/zadania) ----------

TASK_STATES = {"brak": "brak sprawozdania", **REPORT_STATUS}


@kept.keeps("task_counts")
def task_counts(jst_ids):
    """{task id: {state: number of JSTs}} of the active JSTs (ids; None = all): one query."""
    where = Jst.status == "active"
    if jst_ids is not None:
        where &= Jst.id.in_(sorted(jst_ids) or [0])
    jst_total = Jst.select(fn.COUNT(Jst.id)).where(where).scalar()
    counts = {}
    query = (
        TaskReport.select(TaskReport.task, TaskReport.status, fn.COUNT(TaskReport.id))
        .join(Jst)
        .where(where)
        .group_by(TaskReport.task, TaskReport.status)
        .tuples()
    )
    for task_id, status, n in query:
        counts.setdefault(task_id, {})[status] = n
    for by_state in counts.values():
        by_state["brak"] = jst_total - sum(by_state.values())
    return counts, jst_total


@kept.keeps("task_page")
def task_page(task, jst_ids, q="", group=None, state="", page=1):
    """One page of the JSTs (ids; None = all) with their report on `task`: ([(jst id, name,
    report status or None)], page, pages, total). Two queries."""
    where = jst_filter(q, group)
    if jst_ids is not None:
        where &= Jst.id.in_(sorted(jst_ids) or [0])
    if state == "brak":
        where &= TaskReport.id.is_null()
    elif state in REPORT_STATUS:
        where &= TaskReport.status == state
    base = Jst.select().join(
        TaskReport,
        JOIN.LEFT_OUTER,
        on=(TaskReport.jst == Jst.id) & (TaskReport.task == task.id),
    )
    total = base.select(fn.COUNT(Jst.id)).where(where).scalar()
    page = clamp_page(page, total)
    rows = list(
        base.select(Jst.id, Jst.name, TaskReport.status)
        .where(where)
        .order_by(Jst.name_sort, Jst.id)
        .paginate(page, PER_PAGE)
        .tuples()
    )
    return rows, page, pages_for(total), total


PRINT_PER_PAGE = 20  # reports of a printed page: each may be long


def task_reports_page(task, q="", group=None, page=1):
    """One printable page of the reports on `task` of the active JSTs (search, group), by JST
    name: ([report with .jst_name], page, pages, total). Two queries, whatever the country's
    size."""
    where = jst_filter(q, group) & (TaskReport.task == task.id)
    base = TaskReport.select().join(Jst, on=TaskReport.jst == Jst.id).where(where)
    total = base.select(fn.COUNT(TaskReport.id)).scalar()
    page = clamp_page(page, total, PRINT_PER_PAGE)
    reports = list(
        base.select(TaskReport, Jst.name.alias("jst_name"))
        .order_by(Jst.name_sort, Jst.id)
        .paginate(page, PRINT_PER_PAGE)
        .objects()
    )
    return reports, page, pages_for(total, PRINT_PER_PAGE), total


# ---------- follow-up after the pilot (/po-pilotazu) ----------


@kept.keeps("follow_up_page")
def follow_up_page(q="", group=None, accepted=False, page=1):
    """One page of the JSTs whose plan is (not) accepted, with the consultation (pending) or the
    best-plan mark (accepted): ([(jst id, name, consultation or None, best)], page, pages, total).
    Two queries."""
    is_accepted = Plan.status == "accepted"
    where = jst_filter(q, group) & (is_accepted if accepted else (~is_accepted | Plan.id.is_null()))
    base = (
        Jst.select()
        .join(Plan, JOIN.LEFT_OUTER, on=Plan.jst == Jst.id)
        .switch(Jst)
        .join(Consultation, JOIN.LEFT_OUTER, on=Consultation.jst == Jst.id)
        .switch(Jst)
        .join(BestPlan, JOIN.LEFT_OUTER, on=BestPlan.jst == Jst.id)
        .where(where)
    )
    total = base.select(fn.COUNT(Jst.id)).scalar()
    page = clamp_page(page, total)
    expert = User.alias()
    query = (
        base.select(
            Jst.id,
            Jst.name,
            Consultation.meeting_date,
            Consultation.outcome,
            expert.full_name,
            BestPlan.id,
        )
        .join_from(Consultation, expert, JOIN.LEFT_OUTER, on=Consultation.expert == expert.id)
        .order_by(Jst.name_sort, Jst.id)
        .paginate(page, PER_PAGE)
        .tuples()
    )
    rows = [
        {
            "id": jst_id,
            "name": name,
            "meeting_date": meeting,
            "outcome": outcome or "",
            "expert": expert_name or "",
            "best": best is not None,
        }
        for jst_id, name, meeting, outcome, expert_name, best in query
    ]
    return rows, page, pages_for(total), total


# ---------- expert visits (/wizyty) ----------


@kept.keeps("visit_page")
def visit_page(page=1):
    """One page of the active JSTs with their expert visit, those without one first: ([(jst id,
    name, visit date or None, form)], page, pages, total, without). Three queries."""
    base = (
        Jst.select()
        .join(ExpertVisit, JOIN.LEFT_OUTER, on=ExpertVisit.jst == Jst.id)
        .where(Jst.status == "active")
    )
    total = base.select(fn.COUNT(Jst.id)).scalar()
    without = base.select(fn.COUNT(Jst.id)).where(ExpertVisit.id.is_null()).scalar()
    page = clamp_page(page, total)
    rows = list(
        base.select(Jst.id, Jst.name, ExpertVisit.visit_date, ExpertVisit.form)
        .order_by(ExpertVisit.id.is_null(False), Jst.name_sort, Jst.id)
        .paginate(page, PER_PAGE)
        .tuples()
    )
    return rows, page, pages_for(total), total, without


# ---------- signed copies not back yet (/dokumenty) ----------


def _declaration_missing(member):
    """SQL: the member (a TeamMembership) has no signed declaration (an anti join)."""
    return ~fn.EXISTS(
        SignedCopy.select(SignedCopy.id).where(
            (SignedCopy.participant == member.user) & (SignedCopy.kind == "oswiadczenie")
        )
    )


@kept.keeps("unsigned_page")
def unsigned_page(q="", group=None, page=1):
    """One page of the active JSTs that still lack a signed copy (the agreement, a current
    member's declaration, the plan's latest version): ([{"id", "name", "agreement" (missing),
    "members" (names of members without a declaration), "plan_version" (missing, or None)}],
    page, pages, totals {"jsts", "agreements", "declarations", "plans"}). Two queries whatever
    the number of JSTs (three for a page past the end): the page with the totals as window sums,
    then the names of its members; names only, no personal data."""
    tm = TeamMembership.alias("utm")
    missing_members = (
        tm.select(tm.jst.alias("jst_id"), fn.COUNT(tm.id).alias("n"))
        .where(tm.left_at.is_null() & _declaration_missing(tm))
        .group_by(tm.jst)
        .alias("umm")
    )
    latest = (
        PlanVersion.select(Plan.jst.alias("jst_id"), fn.MAX(PlanVersion.number).alias("version"))
        .join(Plan)
        .group_by(Plan.jst)
        .alias("ulv")
    )
    agreement = Case(
        None,
        [
            (
                fn.EXISTS(
                    SignedCopy.select(SignedCopy.id).where(
                        (SignedCopy.jst == Jst.id) & (SignedCopy.kind == "deklaracja")
                    )
                ),
                0,
            )
        ],
        1,
    )
    plan_version = Case(
        None,
        [
            (
                fn.EXISTS(
                    SignedCopy.select(SignedCopy.id).where(
                        (SignedCopy.jst == Jst.id)
                        & (SignedCopy.kind == "plan")
                        & (SignedCopy.plan_version == latest.c.version)
                    )
                ),
                None,
            )
        ],
        latest.c.version,
    )
    members = fn.COALESCE(missing_members.c.n, 0)
    # the page is cut outside the subquery that counts: PostgreSQL otherwise plans the joins
    # for the first 50 rows in name order (a nested loop over every JST × every team) although
    # the window sums need every row
    lacking = (agreement == 1) | (members > 0) | plan_version.is_null(False)
    found = (
        Jst.select(
            Jst.id,
            Jst.name,
            Jst.name_sort,
            agreement.alias("agreement"),
            members.alias("members"),
            plan_version.alias("plan_version"),
            fn.COUNT(SQL("*")).over().alias("jsts"),
            fn.SUM(agreement).over().alias("agreements"),
            fn.SUM(members).over().alias("declarations"),
            fn.COUNT(plan_version).over().alias("plans"),
        )
        .join(missing_members, JOIN.LEFT_OUTER, on=missing_members.c.jst_id == Jst.id)
        .switch(Jst)
        .join(latest, JOIN.LEFT_OUTER, on=latest.c.jst_id == Jst.id)
        .where(jst_filter(q, group) & lacking)
        .alias("uns")
    )
    query = Select([found], [SQL('"uns".*')]).order_by(found.c.name_sort, found.c.id).bind(db)
    rows = list(query.paginate(page, PER_PAGE).dicts())
    if not rows and page > 1:  # past the end: the first page
        page = 1
        rows = list(query.paginate(page, PER_PAGE).dicts())
    first = rows[0] if rows else {}
    totals = {
        key: int(first.get(key) or 0) for key in ("jsts", "agreements", "declarations", "plans")
    }
    names = {}
    if rows:
        for jst_id, name in (
            tm.select(tm.jst, User.full_name)
            .join(User, on=tm.user == User.id)
            .where(
                tm.jst.in_([row["id"] for row in rows])
                & tm.left_at.is_null()
                & _declaration_missing(tm)
            )
            .order_by(tm.id)
            .tuples()
        ):
            names.setdefault(jst_id, []).append(name)
    items = [
        {
            "id": row["id"],
            "name": row["name"],
            "agreement": bool(row["agreement"]),
            "members": names.get(row["id"], []),
            "plan_version": row["plan_version"],
        }
        for row in rows
    ]
    return items, page, pages_for(totals["jsts"]), totals
