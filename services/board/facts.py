"""The board's SQL: the per-JST aggregates as derived tables and the query that joins them to
the active JSTs, with an expression per column, filter and sort key."""

from datetime import timedelta

from peewee import JOIN, Case, Select, Value, fn

from lib.formatting import today_local
from lib.identifiers import VOIVODESHIPS
from lib.text import fold, sort_key
from models import JST_KINDS, ExpertAssignment, Jst, TeamMembership, User, is_postgres
from models.documents import SignedCopy
from models.plans import Plan
from models.programme import Attendance, Module, TaskReport
from models.review import ExpertVisit
from models.surveys import Certificate, Survey, SurveyDone

from .. import settings
from .filters import NO_PLAN, PLAN_STATUSES, _heads
from .rows import SMALL

# up to this many JSTs, the per-member facts are looked up member by member through the
# indexes; above it, each table is grouped per person once and joined
GROUPED_FROM = 100


def attendance_days(begun, joined):
    """SQL: the days of the begun modules a member who joined on `joined` (a date column) could
    attend, as services.programme.attendance_rates counts them — a CASE per module day, so no
    date arithmetic differs between SQLite and PostgreSQL."""
    total = Value(0)
    for module in begun:
        days = (module.end_date - module.start_date).days + 1
        whens = [(joined.is_null(), days)]
        whens += [(joined <= module.start_date + timedelta(days=k), days - k) for k in range(days)]
        total = total + Case(None, whens, 0)
    return total


def _member_facts(begun, jst_ids, lean=False):
    """A derived table, one row per JST with a current team: its size, members with a signed
    declaration, survey answers and certificates of its members, and the mean attendance share
    (exact percent; NULL before the first module or for a team that joined after all of them).
    Each member's share is capped at 100 % as services.programme.attendance_rates caps it."""
    tm = TeamMembership.alias("bm")
    module_ids = [m.id for m in begun] or [0]
    # who answered counts only once a survey has closed (issue 25.3): not as each one submits
    closed = Survey.closes_on < today_local()
    member = tm.select().where(tm.left_at.is_null() & _in_scope(tm.jst, jst_ids))
    if jst_ids is not None and len(jst_ids) <= GROUPED_FROM:
        # a few JSTs (a page, an expert's): look each member up through the indexes
        present = Attendance.select(fn.COUNT(Attendance.id)).where(
            (Attendance.user == tm.user) & Attendance.module.in_(module_ids)
        )
        signed = Case(
            None,
            [
                (
                    fn.EXISTS(
                        SignedCopy.select(SignedCopy.id).where(
                            (SignedCopy.participant == tm.user)
                            & (SignedCopy.kind == "oswiadczenie")
                        )
                    ),
                    1,
                )
            ],
            0,
        )
        surveys = (
            SurveyDone.select(fn.COUNT(SurveyDone.id))
            .join(Survey)
            .where((SurveyDone.user == tm.user) & closed)
        )
        certs = Certificate.select(fn.COUNT(Certificate.id)).where(Certificate.user == tm.user)
    else:
        # every JST: each table grouped per person once and joined (a hash join on
        # PostgreSQL, which runs a correlated subquery once per member)
        attended = (
            Attendance.select(Attendance.user.alias("user_id"), fn.COUNT(Attendance.id).alias("n"))
            .where(Attendance.module.in_(module_ids))
            .group_by(Attendance.user)
            .alias("bat")
        )
        signers = (
            SignedCopy.select(SignedCopy.participant.alias("user_id"))
            .where((SignedCopy.kind == "oswiadczenie") & SignedCopy.participant.is_null(False))
            .group_by(SignedCopy.participant)
            .alias("bsg")
        )
        member = member.join(attended, JOIN.LEFT_OUTER, on=attended.c.user_id == tm.user).switch(tm)
        member = member.join(signers, JOIN.LEFT_OUTER, on=signers.c.user_id == tm.user).switch(tm)
        present = fn.COALESCE(attended.c.n, 0)
        signed = Case(None, [(signers.c.user_id.is_null(), 0)], 1)
        if not lean:
            answered = (
                SurveyDone.select(
                    SurveyDone.user.alias("user_id"), fn.COUNT(SurveyDone.id).alias("n")
                )
                .join(Survey)
                .where(closed)
                .group_by(SurveyDone.user)
                .alias("bsd")
            )
            certificate = Certificate.alias("bce")  # one per person at most
            member = member.join(
                answered, JOIN.LEFT_OUTER, on=answered.c.user_id == tm.user
            ).switch(tm)
            member = member.join(
                certificate, JOIN.LEFT_OUTER, on=certificate.user == tm.user
            ).switch(tm)
            surveys = fn.COALESCE(answered.c.n, 0)
            certs = Case(None, [(certificate.id.is_null(), 0)], 1)
    columns = [
        tm.jst.alias("jst_id"),
        attendance_days(begun, tm.joined_at).alias("days"),
        present.alias("present"),
        signed.alias("signed"),
    ]
    if not lean:
        columns += [surveys.alias("surveys"), certs.alias("certs")]
    member = member.select(*columns).alias("bmf")
    # the days present capped at the days expected; `present` named once, so the database
    # counts each member's attendance once (SQLite would copy a CASE's repeated subquery)
    least = fn.LEAST if is_postgres() else fn.MIN  # MIN(a, b) is SQLite's scalar minimum
    share = Case(
        None,
        [(member.c.days <= 0, None)],
        Value(100.0) * least(member.c.present, member.c.days) / member.c.days,
    )
    columns = [
        member.c.jst_id,
        fn.COUNT(member.c.jst_id).alias("team_size"),
        fn.SUM(member.c.signed).alias("signed"),
        fn.AVG(share).alias("attendance"),
    ]
    if not lean:
        columns += [
            fn.SUM(member.c.surveys).alias("surveys"),
            fn.SUM(member.c.certs).alias("certs"),
        ]
    return Select([member], columns).group_by(member.c.jst_id).alias("bmg")


def _task_facts(jst_ids):
    report = TaskReport.alias("btr")
    accepted = Case(None, [(report.status == "accepted", 1)], 0)
    return (
        report.select(
            report.jst.alias("jst_id"),
            fn.COUNT(report.id).alias("reported"),
            fn.SUM(accepted).alias("accepted"),
        )
        .where(_in_scope(report.jst, jst_ids))
        .group_by(report.jst)
        .alias("btf")
    )


def _in_scope(column, jst_ids):
    return True if jst_ids is None else column.in_(sorted(jst_ids) or [0])


def _threshold():
    try:
        return float(settings.get("certificate_min_attendance"))
    except ValueError:
        return 80.0


def _rank(keys_by_label):
    """{key: position} in the order of the labels (the board sorts labelled columns by label)."""
    ordered = sorted(keys_by_label.items(), key=lambda item: (sort_key(item[1]), item[0]))
    return {key: i for i, (key, _label) in enumerate(ordered)}


class _Facts:
    """The board's query: every active JST in scope joined to its per-JST aggregates (derived
    tables grouped in the database), with an SQL expression per column, filter and sort key —
    so the filters, the sort and the page run in the database and the header counts are one
    aggregate query."""

    def __init__(self, jst_ids, experts=(), begun=None, threshold=None, lean=False):
        self.jst_ids = jst_ids
        if begun is None:
            begun = list(Module.select().where(Module.start_date <= today_local()))
        self.begun = begun
        self.threshold = _threshold() if threshold is None else threshold
        self.members = members = _member_facts(begun, jst_ids, lean)
        self.tasks = tasks = _task_facts(jst_ids)
        self.expert = expert = User.alias("bex")
        self.team_size = fn.COALESCE(members.c.team_size, 0)
        self.declarations = fn.COALESCE(members.c.signed, 0)
        answered = fn.COALESCE(members.c.surveys, 0)
        # 1 and 2 answers are one value ("< 3", rows.SMALL): neither shown nor told by the order
        self.answered = Case(None, [((answered > 0) & (answered < SMALL), 1)], answered)
        self.attendance = members.c.attendance
        self.status = fn.COALESCE(Plan.status, NO_PLAN)
        self.voivodeship = fn.SUBSTR(Jst.teryt, 1, 2)

        def agreement():
            return fn.EXISTS(
                SignedCopy.select(SignedCopy.id).where(
                    (SignedCopy.jst == Jst.id) & (SignedCopy.kind == "deklaracja")
                )
            )

        self.agreement = Case(None, [(agreement(), 1)], 0)
        self.missing = {
            "deklaracja": ~agreement(),  # an anti join (as "wizyta" below)
            "oswiadczenia": (self.declarations < self.team_size) | (self.team_size == 0),
            "obecnosc": self.attendance.is_null(False) & (self.attendance < self.threshold),
            # NOT EXISTS rather than "the joined visit IS NULL": PostgreSQL estimates an anti
            # join well, while the IS NULL of a left join's column it takes for one row (and
            # then re-aggregates the member facts once per JST in a nested loop)
            "wizyta": ~fn.EXISTS(
                ExpertVisit.select(ExpertVisit.id).where(ExpertVisit.jst == Jst.id)
            ),
        }
        order = {key: i for i, key in enumerate(PLAN_STATUSES)}
        kinds = _rank({key: spec[0] for key, spec in JST_KINDS.items()})
        voivodeships = _rank(VOIVODESHIPS)
        experts = {expert_id: i for i, (expert_id, _name) in enumerate(experts)}
        self.sorts = {
            "nazwa": Jst.name_sort,
            "rodzaj": Case(Jst.kind, list(kinds.items()), len(kinds)),
            "grupa": Jst.program_group,
            "woj": Case(self.voivodeship, list(voivodeships.items()), None),
            "ekspert": Case(expert.id, list(experts.items()), None) if experts else expert.id,
            "zespol": self.team_size,
            "status": Case(self.status, list(order.items()), 0),
            "zmiana": Plan.updated_at,
            "deklaracja": self.agreement,
            "oswiadczenia": self.declarations,
            "obecnosc": self.attendance,
            "zadania": fn.COALESCE(tasks.c.reported, 0),
            "wizyta": ExpertVisit.visit_date,
            "ankiety": self.answered,
            "zaswiadczenia": fn.COALESCE(members.c.certs, 0),
        }

    def select(self, *columns, members=True, tasks=True):
        """The active JSTs in scope joined to what `columns` need: the per-member and per-task
        derived tables only when asked (each is computed for every JST in scope)."""
        expert = self.expert
        query = (
            Jst.select(*columns)
            .join(Plan, JOIN.LEFT_OUTER, on=Plan.jst == Jst.id)
            .switch(Jst)
            .join(
                ExpertAssignment,
                JOIN.LEFT_OUTER,
                on=(ExpertAssignment.jst == Jst.id) & ExpertAssignment.ended_at.is_null(),
            )
            .join(expert, JOIN.LEFT_OUTER, on=ExpertAssignment.expert == expert.id)
            .switch(Jst)
            .join(ExpertVisit, JOIN.LEFT_OUTER, on=ExpertVisit.jst == Jst.id)
        )
        if members:
            query = query.switch(Jst).join(
                self.members, JOIN.LEFT_OUTER, on=self.members.c.jst_id == Jst.id
            )
        if tasks:
            query = query.switch(Jst).join(
                self.tasks, JOIN.LEFT_OUTER, on=self.tasks.c.jst_id == Jst.id
            )
        return query.where((Jst.status == "active") & _in_scope(Jst.id, self.jst_ids))

    def order(self, query, sort):
        key = self.sorts[sort.lstrip("-")]
        return query.order_by(
            Case(None, [(key.is_null(), 1)], 0),  # empty values last in either direction
            key.desc() if sort.startswith("-") else key.asc(),
            Jst.name_sort,
            Jst.id,
        )

    def page_and_counts(self, filters):
        """The query (without its LIMIT) of every JST in scope in the page's order — those
        matching `filters` first — with the number of matching rows and the header counts as
        window sums: one statement reads the page's ids and the counts from the same derived
        aggregates. The sums are taken in a subquery and the rows sorted outside it, so
        PostgreSQL plans the joins for every row (it would plan them for the first 50)."""
        sort = filters.sort.lstrip("-")
        key = self.sorts[sort]

        def count(condition):
            return fn.SUM(Case(None, [(condition, 1)], 0)).over()

        heads = {
            "status": lambda key: self.status == key,
            "missing": lambda key: self.missing[key],
            "group": lambda key: Jst.program_group == key,
        }
        conditions = [heads[kind](key) for kind, key in _heads()]
        inner = self.select(
            Jst.id,
            Jst.name_sort,
            Case(None, [(key.is_null(), 1)], 0).alias("nulls_last"),
            key.alias("sort_key"),
            Case(None, [(self.where(filters), 1)], 0).alias("matches"),
            *(count(cond).alias(f"h{i}") for i, cond in enumerate(conditions)),
            tasks=sort == "zadania",
        ).alias("bpc")
        c = inner.c
        heads_columns = [getattr(c, f"h{i}") for i in range(len(conditions))]
        return Select(
            [inner],
            [c.id, fn.SUM(c.matches).over().alias("total"), c.matches, *heads_columns],
        ).order_by(
            c.matches.desc(),
            c.nulls_last,
            c.sort_key.desc() if filters.sort.startswith("-") else c.sort_key.asc(),
            c.name_sort,
            c.id,
        )

    def rows(self, filters=None):
        """The query of the board's rows (dicts), filtered and sorted by `filters` (None: all
        in name order)."""
        expert = self.expert
        query = self.select(
            Jst.id,
            Jst.name,
            Jst.kind,
            Jst.program_group,
            Jst.teryt,
            Plan.status.alias("plan_status"),
            Plan.updated_at.alias("plan_updated_at"),
            expert.id.alias("expert_id"),
            expert.full_name.alias("expert_name"),
            ExpertVisit.visit_date.alias("visit_date"),
            self.team_size.alias("team_size"),
            self.declarations.alias("declarations_signed"),
            self.agreement.alias("agreements"),
            self.sorts["zadania"].alias("tasks_reported"),
            fn.COALESCE(self.tasks.c.accepted, 0).alias("tasks_accepted"),
            self.sorts["ankiety"].alias("surveys_done"),
            self.sorts["zaswiadczenia"].alias("certificates"),
            self.attendance.alias("attendance"),
        )
        sort = "nazwa"
        if filters is not None:
            query = query.where(self.where(filters))
            sort = filters.sort
        return self.order(query, sort).dicts()

    def where(self, f):
        where = Value(True) == Value(True)
        if f.status:
            where &= self.status == f.status
        if f.group is not None:
            where &= Jst.program_group == f.group
        if f.kind:
            where &= Jst.kind == f.kind
        if f.voivodeship:
            where &= self.voivodeship == f.voivodeship
        if f.expert is not None:
            where &= self.expert.id == f.expert
        for what in f.missing:
            where &= self.missing[what]
        if f.q:
            where &= Jst.name_key.contains(fold(f.q))
        return where


def _experts(jst_ids):
    """[(id, name)] of the experts of the active JSTs in scope, in Polish name order."""
    query = (
        User.select(User.id, User.full_name)
        .join(ExpertAssignment, on=ExpertAssignment.expert == User.id)
        .join(Jst)
        .where(
            ExpertAssignment.ended_at.is_null()
            & (Jst.status == "active")
            & _in_scope(Jst.id, jst_ids)
        )
        .distinct()
        .tuples()
    )
    return sorted(query, key=lambda item: (sort_key(item[1]), item[0]))
