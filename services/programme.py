"""The programme around the plan: modules and schedules, working groups, attendance,
implementation tasks and their reports, follow-up after the pilot."""

from datetime import date, timedelta

from peewee import fn

from lib import uploads
from lib.formatting import today_local
from models import JST_KINDS, Jst, TeamMembership, User, utcnow, write_tx
from models.plans import Plan
from models.programme import (
    Attachment,
    Attendance,
    BestPlan,
    Consultation,
    GroupMember,
    Module,
    ModuleSession,
    ProgressReport,
    Task,
    TaskReport,
    WorkingGroup,
)
from models.surveys import Survey

from . import kept, plans, review

MAX_ATTACHMENT = 5 * 1024 * 1024
# extension → (content type, the file's first bytes)
ATTACHMENT_TYPES = {
    "pdf": ("application/pdf", (b"%PDF",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "png": ("image/png", (b"\x89PNG",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}
PILOT_MODULES = [
    (1, date(2017, 4, 5)),
    (2, date(2017, 6, 26)),
    (3, date(2017, 8, 21)),
    (4, date(2017, 10, 18)),
    (5, date(2017, 11, 15)),
]


class InUse(Exception):
    """A change that would lose or contradict programme data (the message, if any, says why)."""


class AttachmentRefused(Exception):
    """The message says why (Polish)."""


# ---------- modules ----------


def modules():
    return list(Module.select().order_by(Module.number))


def sessions(module):
    return list(
        ModuleSession.select()
        .where(ModuleSession.module == module)
        .order_by(ModuleSession.day, ModuleSession.start)
    )


def module_days(module):
    return (module.end_date - module.start_date).days + 1


def module_dates(module):
    """As printed on the documents: 05.04.2017 – 07.04.2017."""
    return f"{module.start_date:%d.%m.%Y} – {module.end_date:%d.%m.%Y}"


def next_module(today=None):
    today = today or today_local()
    return Module.select().where(Module.end_date >= today).order_by(Module.start_date).first()


def delete_module(module):
    with write_tx():
        if (
            Attendance.select().where(Attendance.module == module).exists()
            or Task.select().where(Task.module == module).exists()
            or Survey.select().where(Survey.module == module).exists()
        ):
            raise InUse()
        module.delete_instance(recursive=True)


def add_session(module, day, start, end, title, kind):
    """A session of the module's schedule. The same one again (a double click) is added once; one
    overlapping another session of that day is refused (InUse with the reason)."""
    with write_tx():
        same_day = ModuleSession.select().where(
            (ModuleSession.module == module) & (ModuleSession.day == day)
        )
        for other in same_day:
            if (other.start, other.end, other.title) == (start, end, title):
                return other
            if start < other.end and end > other.start:  # "HH:MM" strings compare as times
                raise InUse(
                    f"nakładają się na zajęcia „{other.title}” ({other.start}–{other.end}) "
                    f"w dniu {day}."
                )
        return ModuleSession.create(
            module=module, day=day, start=start, end=end, title=title, kind=kind
        )


def delete_session(module, session_id):
    """Remove one session of a module's schedule, unless a survey evaluates it."""
    with write_tx():
        if Survey.select().where(Survey.session == session_id).exists():
            raise InUse()
        ModuleSession.delete().where(
            (ModuleSession.id == session_id) & (ModuleSession.module == module)
        ).execute()


# ---------- working groups ----------


def propose_groups(jsts, count):
    """{jst id: group number}: the same input gives the same proposal; a JST's team is never
    split; sizes differ by at most one team; kinds are dealt out in turn, so every group gets a
    JST of each kind whenever there are at least `count` of that kind."""
    order = sorted(jsts, key=lambda j: (list(JST_KINDS).index(j.kind), j.name_sort, j.id))
    return {jst.id: i % count + 1 for i, jst in enumerate(order)}


@kept.keeps("attendance_ticking")
def attendance_ticking():
    """(modules, working group numbers) for the links to each module's attendance per group."""
    return modules(), sorted(set(group_numbers().values()))


@kept.keeps("groups")
def groups():
    """(every active JST — the columns the groups page and the proposal use —, the saved split
    {jst id: group number})."""
    active = list(
        Jst.select(Jst.id, Jst.name, Jst.name_sort, Jst.kind)
        .where(Jst.status == "active")
        .order_by(Jst.name_sort)
    )
    return active, group_numbers()


@kept.keeps("group_proposal")
def group_proposal(count):
    """propose_groups of every active JST into `count` groups."""
    return propose_groups(groups()[0], count)


def group_numbers():
    """{jst id: group number} of the active JSTs, as saved: two columns a row (the groups page
    reads every JST of the programme)."""
    return dict(
        GroupMember.select(GroupMember.jst, WorkingGroup.number)
        .join(WorkingGroup)
        .switch(GroupMember)
        .join(Jst)
        .where(Jst.status == "active")
        .tuples()
    )


def save_groups(assignment):
    """assignment: {jst id: group number (1..)}."""
    with write_tx():
        GroupMember.delete().execute()
        for number in sorted(set(assignment.values())):
            WorkingGroup.get_or_create(number=number)
        by_number = {g.number: g for g in WorkingGroup.select()}
        for jst_id, number in assignment.items():
            GroupMember.create(jst=jst_id, group=by_number[number])
        used = set(assignment.values())
        WorkingGroup.delete().where(WorkingGroup.number.not_in(list(used) or [0])).execute()


def group_people(number):
    """[(user, jst)] of the current teams in working group `number`."""
    query = (
        TeamMembership.select(TeamMembership, User, Jst)
        .join(User)
        .switch(TeamMembership)
        .join(Jst)
        .join(GroupMember, on=GroupMember.jst == Jst.id)
        .join(WorkingGroup)
        .where(
            (WorkingGroup.number == number)
            & TeamMembership.left_at.is_null()
            & (Jst.status == "active")
        )
        .order_by(Jst.name_sort, User.full_name)
    )
    return [(m.user, m.jst) for m in query]


# ---------- attendance ----------


def attendance(module, users):
    """{(user id, day)} present."""
    return {
        (a.user_id, a.day)
        for a in Attendance.select().where(
            (Attendance.module == module) & Attendance.user.in_([u.id for u in users] or [0])
        )
    }


def save_attendance(module, users, present):
    """Replace the attendance of `users` in `module` with `present` {(user id, day)}."""
    ids = [u.id for u in users]
    days = range(1, module_days(module) + 1)
    with write_tx():
        Attendance.delete().where(
            (Attendance.module == module) & Attendance.user.in_(ids or [0])
        ).execute()
        for user_id, day in sorted(present):
            if user_id in ids and day in days:
                Attendance.create(module=module, user=user_id, day=day)


def attendance_rates(today=None, exact=False, users=None):
    """{user id: percent of the days of modules that have begun, counted from the day the person
    joined their team}, rounded unless `exact` (a rule such as "at least 80 %" compares the exact
    share: 79.5 % is not 80 %); of the `users` (ids) only when given (a group's sheet reads its
    people's, not the whole country's)."""
    today = today or today_local()
    modules = list(Module.select().where(Module.start_date <= today))
    if not modules:
        return {}
    members = TeamMembership.left_at.is_null()
    attended = Module.start_date <= today
    if users is not None:
        members &= TeamMembership.user.in_(list(users) or [0])
        attended &= Attendance.user.in_(list(users) or [0])
    joined = {
        m.user_id: m.joined_at
        for m in TeamMembership.select(TeamMembership.user, TeamMembership.joined_at).where(members)
    }

    def days_since(start):
        return sum(max((m.end_date - max(m.start_date, start)).days + 1, 0) for m in modules)

    counts = (
        Attendance.select(Attendance.user, fn.COUNT(Attendance.id).alias("n"))
        .join(Module)
        .where(attended)
        .group_by(Attendance.user)
    )
    rates = {}
    for row in counts.objects():
        total = days_since(joined.get(row.user_id) or date.min)
        if total:
            rates[row.user_id] = min(100 * row.n / total, 100)
    return rates if exact else {user: round(rate) for user, rate in rates.items()}


def attendance_list_context(module, number):
    """The printable attendance list: names, JST, a signature column per day."""
    days = [
        (module.start_date + timedelta(days=i)).strftime("%d.%m.%Y")
        for i in range(module_days(module))
    ]
    return {
        "module": {
            "number": module.number,
            "venue": module.venue,
            "dates": module_dates(module),
        },
        "group": number,
        "days": days,
        "people": [{"name": u.full_name, "jst": j.name} for u, j in group_people(number)],
    }


# ---------- tasks and reports ----------


def task_for(module):
    return Task.get_or_none(Task.module == module)


def following_module(module):
    """The module after `module` (a task's default due date is its first day), or None."""
    return (
        Module.select()
        .where(Module.start_date > module.end_date)
        .order_by(Module.start_date)
        .first()
    )


def overlapping_module(start, end, module=None):
    """Another module (not `module`) with a day between `start` and `end`, or None."""
    query = Module.select().where((Module.start_date <= end) & (Module.end_date >= start))
    if module is not None:
        query = query.where(Module.id != module.id)
    return query.first()


def last_day_in_use(module):
    """The last day of `module` with a session or recorded attendance (0: none)."""
    sessions = ModuleSession.select(fn.MAX(ModuleSession.day)).where(ModuleSession.module == module)
    present = Attendance.select(fn.MAX(Attendance.day)).where(Attendance.module == module)
    return max(sessions.scalar() or 0, present.scalar() or 0)


def report(task, jst):
    return TaskReport.get_or_none((TaskReport.task == task) & (TaskReport.jst == jst))


def save_report(task, jst, text, author=None, url="", config=None):
    """Store the team's report as sent; the JST's expert, who must review it, is notified (in
    the app, and by e-mail per their preference) with a link to `url` — when `config` is given."""
    with write_tx():
        row = report(task, jst) or TaskReport(task=task, jst=jst)
        if row.status == "accepted":
            return row
        row.text, row.status, row.updated_at = text, "submitted", utcnow()
        row.save()
        if config is not None:
            text = f"Zespół JST {jst.name} przekazał sprawozdanie z zadania „{task.title}”."
            review.notify([review._expert(jst.id)], "task", text, url, config, exclude=author)
    return row


def decide(row, accepted, comment, expert, url="", config=None):
    """The expert's decision on a report; the team, who must act on a return, is told."""
    with write_tx():
        row.status = "accepted" if accepted else "more"
        row.expert_comment = comment
        row.decided_at, row.decided_by = utcnow(), expert
        row.save()
        if config is not None:
            jst, task = Jst.get_by_id(row.jst_id), Task.get_by_id(row.task_id)
            outcome = "przyjął" if accepted else "zwrócił do uzupełnienia"
            text = f"Ekspert {outcome} sprawozdanie JST {jst.name} z zadania „{task.title}”."
            review.notify(review._team(jst.id), "task", text, url, config, exclude=expert)


def check_attachment(filename, data):
    """(the name to store, content type) or AttachmentRefused: one check for every attachment
    (tasks' reports, announcements), made on the name as it is stored."""
    filename = uploads.stored_name(filename)
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext not in ATTACHMENT_TYPES:
        raise AttachmentRefused("Dozwolone pliki: PDF, DOCX, XLSX, PNG, JPG.")
    if len(data) > MAX_ATTACHMENT:
        raise AttachmentRefused(f"Plik jest za duży (najwyżej {MAX_ATTACHMENT // 2**20} MB).")
    content_type, signatures = ATTACHMENT_TYPES[ext]
    if not any(data.startswith(sig) for sig in signatures):
        raise AttachmentRefused("Zawartość pliku nie zgadza się z jego rozszerzeniem.")
    if ext in uploads.OFFICE:  # whoever opens it must not get a zip bomb
        try:
            uploads.check_office_file(data, ext)
        except uploads.UploadRefused as exc:
            raise AttachmentRefused(str(exc)) from exc
    return filename, content_type


def add_attachment(row, filename, data):
    if row.status == "accepted":
        raise AttachmentRefused("sprawozdanie zostało już przyjęte.")
    filename, content_type = check_attachment(filename, data)
    with write_tx():
        for same in Attachment.select().where(
            (Attachment.report == row)
            & (Attachment.filename == filename)
            & (Attachment.size == len(data))
        ):
            if bytes(same.data) == data:  # the same file again (a double click): kept once
                return same
        return Attachment.create(
            report=row,
            filename=filename,
            content_type=content_type,
            size=len(data),
            data=data,
        )


# ---------- follow-up ----------


def save_consultation(jst, meeting_date, expert, outcome):
    with write_tx():
        row = Consultation.get_or_none(Consultation.jst == jst) or Consultation(jst=jst)
        row.meeting_date, row.expert, row.outcome = meeting_date, expert, outcome
        row.save()


def mark_best(jst, best):
    """Mark an accepted plan as one of the best, or unmark it (any other plan: only unmarked)."""
    accepted = Plan.select().where((Plan.jst == jst) & (Plan.status == "accepted")).exists()
    with write_tx():
        BestPlan.delete().where(BestPlan.jst == jst).execute()
        if best and accepted:
            BestPlan.create(jst=jst)


def current_period(today=None):
    today = today or today_local()
    return f"{today.year}-{1 if today.month <= 6 else 2}"


def periods(jst=None):
    """Half-years with progress reports (of `jst`, or of any JST), newest first; the current
    half-year always among them."""
    query = ProgressReport.select(ProgressReport.period).distinct()
    if jst is not None:
        query = query.where(ProgressReport.jst == jst)
    return sorted({p for (p,) in query.tuples()} | {current_period()}, reverse=True)


def save_progress(jst, period, entries):
    """entries: [(action uid, status, comment)] for the plan's actions."""
    plan = plans.get_plan(jst)
    titles = {a.uid: a.title for a in plans.rows(plan, "dzialania", links=False)}
    with write_tx():
        for uid, status, comment in entries:
            if uid not in titles:
                continue
            row = ProgressReport.get_or_none(
                (ProgressReport.jst == jst)
                & (ProgressReport.period == period)
                & (ProgressReport.action_uid == uid)
            )
            row = row or ProgressReport(jst=jst, period=period, action_uid=uid)
            row.action_title, row.status, row.comment = titles[uid], status, comment
            row.updated_at = utcnow()
            row.save()


def progress(jst, period):
    return {
        r.action_uid: r
        for r in ProgressReport.select().where(
            (ProgressReport.jst == jst) & (ProgressReport.period == period)
        )
    }


def network_progress(period):
    """{status: count} of actions reported in `period` across the network."""
    query = (
        ProgressReport.select(ProgressReport.status, fn.COUNT(ProgressReport.id).alias("n"))
        .where(ProgressReport.period == period)
        .group_by(ProgressReport.status)
    )
    return {row.status: row.n for row in query.objects()}


# the demo's module: 3 days of about 21 teaching hours (seed: "trwa 3 dni i obejmuje ok. 21
# godzin"): 10 workshops of 90 minutes and the experts' table of 45 — 945 minutes, 21 × 45
DEMO_WORKSHOPS = (
    (1, [("10:00", "11:30"), ("11:45", "13:15"), ("14:00", "15:30"), ("15:45", "17:15")]),
    (2, [("09:00", "10:30"), ("10:45", "12:15"), ("13:00", "14:30"), ("14:45", "16:15")]),
    (3, [("09:00", "10:30"), ("10:45", "12:15")]),
)


def add_demo_sessions(module):
    """The demo module's sessions (DEMO_WORKSHOPS and the experts' table on day 2)."""
    for day, slots in DEMO_WORKSHOPS:
        for i, (start_time, end_time) in enumerate(slots, start=1):
            ModuleSession.create(
                module=module,
                day=day,
                start=start_time,
                end=end_time,
                title=f"Warsztat {day}.{i}",
                kind="zajecia",
            )
    ModuleSession.create(
        module=module,
        day=2,
        start="16:30",
        end="17:15",
        title="Stolik ekspercki: finanse oświaty",
        kind="stolik",
    )


def seed_demo(ctx):
    """The five modules of the 2017 pilot at a fictitious venue, with tasks (idempotent)."""
    if Module.select().exists():
        return
    for number, start in PILOT_MODULES:
        module = Module.create(
            number=number,
            start_date=start,
            end_date=start + timedelta(days=2),
            venue="Centrum Szkoleniowe „Przykładowe”, ul. Zmyślona 10, 00-950 Przykładowo",
        )
        add_demo_sessions(module)
    ordered = modules()
    for module, following in zip(ordered, ordered[1:], strict=False):
        Task.create(
            module=module,
            title=f"Zadanie wdrożeniowe po module {module.number}",
            description="Proszę omówić w zespole wnioski z modułu i opisać pierwsze kroki.",
            due_date=following.start_date,
        )
    save_groups(propose_groups(ctx["jsts"], 4))


def waiting_for(jst_ids):
    """What the home page of a team member or an expert lists for `jst_ids`, in three queries:
    {"plans": [Jst] whose plan waits for review, "reports": [(Jst, Task, status)] of reports sent
    or returned, "groups": {jst id: working group number}}."""
    ids = list(jst_ids)
    if not ids:
        return {"plans": [], "reports": [], "groups": {}}
    waiting_plans = list(
        Jst.select(Jst.id, Jst.name)
        .join(Plan, on=Plan.jst == Jst.id)
        .where(Jst.id.in_(ids) & (Plan.status == "submitted"))
        .order_by(Jst.name_sort)
    )
    reports = [
        (row.jst, row.task, row.status)
        for row in TaskReport.select(TaskReport, Task, Jst)
        .join(Task)
        .switch(TaskReport)
        .join(Jst)
        .where(TaskReport.jst.in_(ids) & TaskReport.status.in_(("submitted", "more")))
        .order_by(Jst.name_sort, Task.id)
    ]
    groups = dict(
        GroupMember.select(GroupMember.jst, WorkingGroup.number)
        .join(WorkingGroup)
        .where(GroupMember.jst.in_(ids))
        .tuples()
    )
    return {"plans": waiting_plans, "reports": reports, "groups": groups}
