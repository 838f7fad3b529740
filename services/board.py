"""The coordinator's progress board (issue 17): one row per active JST with the state of its plan,
documents, attendance, tasks, visit, surveys and certificates.

Built from a fixed number of queries whatever the number of JSTs, and the database does the
work: the per-JST aggregates are derived tables grouped there (one row per current member with
its attendance and documents, grouped per JST; the task reports grouped per JST). One statement
gives the page's ids, the number of matching rows and the header counts from the same
aggregates: the filters a 0/1 column, the counts window sums, the sort an ORDER BY that puts the
matching rows first, the page a LIMIT/OFFSET; a second statement reads the page's 50 rows.
Every filter value is checked against its allowed values first and reaches the query as a
parameter: no SQL is ever built from user input. The compiled SQL text is kept per process by
the shape of the request (filters, sort, begun modules, threshold), so a request only binds
its parameters instead of building and compiling the nested query again.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from peewee import JOIN, Case, Select, Value, fn

from models import (
    JST_KINDS,
    PROGRAM_GROUPS,
    ExpertAssignment,
    Jst,
    TeamMembership,
    User,
    db,
    is_postgres,
)
from models.documents import SignedCopy
from models.plans import STATUS_LABELS, Plan
from models.programme import Attendance, Module, TaskReport
from models.review import ExpertVisit
from models.surveys import Certificate, SurveyDone

from . import settings
from .identifiers import VOIVODESHIPS
from .text import fold, sort_key

PER_PAGE = 50
NO_PLAN = "none"
PLAN_STATUSES = {NO_PLAN: "Nierozpoczęty", **STATUS_LABELS}


# ?brak=… : what a JST lacks
MISSING = {
    "deklaracja": "brak podpisanej deklaracji współpracy",
    "oswiadczenia": "brak podpisanych oświadczeń uczestników",
    "obecnosc": "frekwencja poniżej progu zaświadczenia",
    "wizyta": "brak wizyty eksperta",
}

# ?sort=… (a leading "-" reverses): the column keys a user may sort by (the SQL of each is
# _Facts.sorts; labelled columns sort by their label, empty values come last either way)
SORTS = (
    "nazwa",
    "rodzaj",
    "grupa",
    "woj",
    "ekspert",
    "zespol",
    "status",
    "zmiana",
    "deklaracja",
    "oswiadczenia",
    "obecnosc",
    "zadania",
    "wizyta",
    "ankiety",
    "zaswiadczenia",
)

# up to this many JSTs, the per-member facts are looked up member by member through the
# indexes; above it, each table is grouped per person once and joined
GROUPED_FROM = 100

# columns of the board and its exports
COLUMNS = (
    ("Nazwa JST", "name"),
    ("Rodzaj", "kind_label"),
    ("Grupa", "group_label"),
    ("Województwo", "voivodeship"),
    ("Ekspert", "expert_name"),
    ("Zespół", "team_size"),
    ("Status planu", "status_label"),
    ("Ostatnia zmiana planu", "plan_updated_at"),
    ("Deklaracja podpisana", "agreement_text"),
    ("Oświadczenia podpisane / oczekiwane", "declarations_text"),
    ("Frekwencja", "attendance_text"),
    ("Zadania przekazane / przyjęte", "tasks_text"),
    ("Wizyta eksperta", "visit_date"),
    ("Ankiety wypełnione", "surveys_done"),
    ("Zaświadczenia", "certificates"),
)


@dataclass
class Filters:
    q: str = ""
    status: str = ""
    group: int | None = None
    kind: str = ""
    voivodeship: str = ""
    expert: int | None = None
    missing: list = field(default_factory=list)
    sort: str = "nazwa"
    page: int = 1
    ignored: list = field(default_factory=list)  # names of the values that were not understood

    def key(self):
        """Everything the board's page depends on, hashable (services.kept)."""
        return (
            self.q,
            self.status,
            self.group,
            self.kind,
            self.voivodeship,
            self.expert,
            tuple(self.missing),
            self.sort,
            self.page,
            tuple(self.ignored),
        )

    def query_args(self, **changes):
        """The URL parameters of this view (with `changes`), without the empty ones."""
        args = {
            "q": self.q,
            "status": self.status,
            "grupa": self.group or "",
            "rodzaj": self.kind,
            "woj": self.voivodeship,
            "ekspert": self.expert or "",
            "brak": list(self.missing),
            "sort": "" if self.sort == "nazwa" else self.sort,
        }
        args.update(changes)
        return {k: v for k, v in args.items() if v not in ("", None, [])}


def _int(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def parse_filters(args):
    """Filters from the query string (a MultiDict): a value outside the allowed ones is dropped
    and named in `ignored`, never passed on."""
    f = Filters(q=(args.get("q") or "").strip()[:100])
    ignored = []

    def pick(name, allowed, convert=str):
        raw = args.get(name, "")
        if raw == "":
            return None
        value = convert(raw)
        if value in allowed:
            return value
        ignored.append(name)
        return None

    f.status = pick("status", PLAN_STATUSES) or ""
    f.group = pick("grupa", PROGRAM_GROUPS, _int)
    f.kind = pick("rodzaj", JST_KINDS) or ""
    f.voivodeship = pick("woj", VOIVODESHIPS) or ""
    raw_expert = args.get("ekspert", "")
    if raw_expert:
        f.expert = _int(raw_expert)
        if f.expert is None:
            ignored.append("ekspert")
    for value in args.getlist("brak"):
        if value in MISSING and value not in f.missing:
            f.missing.append(value)
        elif value not in MISSING:
            ignored.append("brak")
    sort = args.get("sort", "") or "nazwa"
    if sort.lstrip("-") in SORTS:
        f.sort = sort
    else:
        ignored.append("sort")
    f.page = _int(args.get("strona", "1")) or 1
    f.ignored = sorted(set(ignored))
    return f


class Row:
    """One JST of the board (plain values for the template and the exports)."""

    __slots__ = (
        "id",
        "name",
        "kind",
        "kind_label",
        "program_group",
        "group_label",
        "teryt",
        "voivodeship_code",
        "voivodeship",
        "expert_id",
        "expert_name",
        "team_size",
        "status",
        "status_label",
        "plan_updated_at",
        "agreement_signed",
        "declarations_signed",
        "attendance",
        "attendance_low",
        "tasks_reported",
        "tasks_accepted",
        "visit_date",
        "surveys_done",
        "certificates",
    )

    @property
    def agreement_text(self):
        return "tak" if self.agreement_signed else "nie"

    @property
    def declarations_text(self):
        return f"{self.declarations_signed} / {self.team_size}"

    @property
    def declarations_missing(self):
        return self.declarations_signed < self.team_size or self.team_size == 0

    @property
    def attendance_text(self):
        return "—" if self.attendance is None else f"{round(self.attendance)} %"

    @property
    def tasks_text(self):
        return f"{self.tasks_reported} / {self.tasks_accepted}"

    def missing(self, what):
        if what == "deklaracja":
            return not self.agreement_signed
        if what == "oswiadczenia":
            return self.declarations_missing
        if what == "obecnosc":
            return self.attendance_low
        return self.visit_date is None  # "wizyta"


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
        surveys = SurveyDone.select(fn.COUNT(SurveyDone.id)).where(SurveyDone.user == tm.user)
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
            begun = list(Module.select().where(Module.start_date <= date.today()))
        self.begun = begun
        self.threshold = _threshold() if threshold is None else threshold
        self.members = members = _member_facts(begun, jst_ids, lean)
        self.tasks = tasks = _task_facts(jst_ids)
        self.expert = expert = User.alias("bex")
        self.team_size = fn.COALESCE(members.c.team_size, 0)
        self.declarations = fn.COALESCE(members.c.signed, 0)
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
            "ankiety": fn.COALESCE(members.c.surveys, 0),
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


def _row(data, threshold):
    row = Row()
    row.id = data["id"]
    row.name = data["name"]
    row.kind = data["kind"]
    row.kind_label = JST_KINDS[row.kind][0] if row.kind in JST_KINDS else row.kind
    row.program_group = data["program_group"]
    row.group_label = PROGRAM_GROUPS.get(row.program_group, "")
    row.teryt = data["teryt"] or ""
    row.voivodeship_code = row.teryt[:2]
    row.voivodeship = VOIVODESHIPS.get(row.voivodeship_code, "")
    row.expert_id = data["expert_id"]
    row.expert_name = data["expert_name"] or ""
    row.team_size = int(data["team_size"] or 0)
    row.status = data["plan_status"] or NO_PLAN
    row.status_label = PLAN_STATUSES.get(row.status, row.status)
    row.plan_updated_at = data["plan_updated_at"] if data["plan_status"] else None
    row.agreement_signed = bool(data["agreements"])
    row.declarations_signed = int(data["declarations_signed"] or 0)
    attendance = data["attendance"]
    row.attendance = None if attendance is None else float(attendance)
    row.attendance_low = row.attendance is not None and row.attendance < threshold
    row.tasks_reported = int(data["tasks_reported"] or 0)
    row.tasks_accepted = int(data["tasks_accepted"] or 0)
    row.visit_date = data["visit_date"]
    row.surveys_done = int(data["surveys_done"] or 0)
    row.certificates = int(data["certificates"] or 0)
    return row


def load_rows(jst_ids=None):
    """Every active JST (or those among `jst_ids`) as a Row, in Polish name order."""
    facts = _Facts(jst_ids)
    return [_row(data, facts.threshold) for data in facts.rows()]


# compiled statements of the board ((sql, params) by everything that shapes them), so a request
# does not build and compile the nested query again; a few hundred entries at most
_COMPILED = {}
_COMPILED_MAX = 256


def _compiled(key, build):
    found = _COMPILED.get(key)
    if found is None:
        if len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.clear()
        found = _COMPILED[key] = db.get_sql_context().sql(build()).query()
    return found


def _page_and_counts(filters, jst_ids, experts, begun, threshold, page, per_page):
    """[(id, total, matches, *header counts)] of one page (rows not matching the filters come
    after the matching ones: they only carry the counts)."""
    sort = filters.sort.lstrip("-")
    shape = (
        is_postgres(),
        None if jst_ids is None else tuple(sorted(jst_ids)),
        tuple(experts) if sort == "ekspert" else (),
        tuple((m.id, m.start_date, m.end_date) for m in begun),
        threshold,
        (filters.q, filters.status, filters.group, filters.kind, filters.voivodeship),
        (filters.expert, tuple(filters.missing), filters.sort),
    )

    def build():
        lean = sort not in ("ankiety", "zaswiadczenia")
        return _Facts(jst_ids, experts, begun, threshold, lean=lean).page_and_counts(filters)

    sql, params = _compiled(shape, build)
    param = db.param
    cursor = db.execute_sql(
        f"{sql} LIMIT {param} OFFSET {param}", [*params, per_page, (page - 1) * per_page]
    )
    return list(cursor.fetchall())


# stand-ins for the page's JST ids while its statement is compiled (one per row of a page; no
# JST has a negative id), swapped for the real ids when it runs
_ID_STAND_INS = tuple(-(2**31) + 1 + i for i in range(PER_PAGE * 4))
# the columns a raw cursor gives as text on SQLite (peewee converts them for a model query)
_CONVERT = {
    "plan_updated_at": Plan.updated_at.python_value,
    "visit_date": ExpertVisit.visit_date.python_value,
}


def _page_rows(ids, begun, threshold):
    """The board's rows (dicts) of the JSTs `ids` (a page): the statement is compiled once per
    process for each number of ids, with stand-ins bound in place of the ids."""
    if not ids:
        return []
    if len(ids) > len(_ID_STAND_INS):
        return list(_Facts(set(ids), (), begun, threshold).rows())
    stand_ins = _ID_STAND_INS[: len(ids)]
    shape = (
        "rows",
        is_postgres(),
        len(ids),
        tuple((m.id, m.start_date, m.end_date) for m in begun),
        threshold,
    )
    sql, params = _compiled(shape, lambda: _Facts(set(stand_ins), (), begun, threshold).rows())
    real = dict(zip(stand_ins, ids, strict=True))
    cursor = db.execute_sql(sql, [real.get(p, p) if isinstance(p, int) else p for p in params])
    names = [column[0] for column in cursor.description]
    rows = []
    for values in cursor.fetchall():
        data = dict(zip(names, values, strict=True))
        for name, convert in _CONVERT.items():
            data[name] = convert(data[name])
        rows.append(data)
    return rows


def _heads():
    heads = [("status", k) for k in PLAN_STATUSES]
    heads += [("missing", k) for k in MISSING]
    return heads + [("group", g) for g in PROGRAM_GROUPS]


@dataclass
class Board:
    rows: list  # the rows of the page
    total: int  # rows matching the filters
    page: int
    pages: int
    counts: dict  # {"status": {key: n}, "missing": {key: n}, "group": {n: count}}
    experts: list  # [(id, name)] of the experts on the board (the filter's choices)


def board(filters, jst_ids=None, per_page=PER_PAGE):
    """The page of the board for `filters`; jst_ids: the JSTs the user may see (None: all).
    A fixed number of queries: the experts, the begun modules and the threshold, one statement
    for the page's ids, the number of matching rows and the header counts (filtered, sorted and
    cut in the database), the page's rows (the aggregates of its 50 JSTs) — and the first page
    again for a page past the end."""
    experts = _experts(jst_ids)
    begun = list(Module.select().where(Module.start_date <= date.today()))
    threshold = _threshold()
    page = filters.page
    found = _page_and_counts(filters, jst_ids, experts, begun, threshold, page, per_page)
    if page > 1 and not any(row[2] for row in found):  # past the end: the first page
        page = 1
        found = _page_and_counts(filters, jst_ids, experts, begun, threshold, page, per_page)
    total = int(found[0][1] or 0) if found else 0
    counts = {"status": {}, "missing": {}, "group": {}}
    for i, (kind, key) in enumerate(_heads()):
        counts[kind][key] = int(found[0][3 + i] or 0) if found else 0
    ids = [row[0] for row in found if row[2]]
    position = {jst_id: i for i, jst_id in enumerate(ids)}
    rows = sorted(
        (_row(data, threshold) for data in _page_rows(ids, begun, threshold)),
        key=lambda row: position[row.id],
    )
    return Board(
        rows=rows,
        total=total,
        page=page,
        pages=max((total + per_page - 1) // per_page, 1),
        counts=counts,
        experts=experts,
    )


def filtered_rows(filters, jst_ids=None):
    """Every row matching `filters`, in the board's order (the exports)."""
    facts = _Facts(jst_ids, _experts(jst_ids) if filters.sort.lstrip("-") == "ekspert" else ())
    return [_row(data, facts.threshold) for data in facts.rows(filters)]


def export_rows(rows):
    """The header and one line per row, every value as text (services.exports writes them)."""
    lines = [[title for title, _ in COLUMNS]]
    for row in rows:
        line = []
        for _, attr in COLUMNS:
            value = getattr(row, attr)
            if value is None:
                value = ""
            elif hasattr(value, "strftime"):
                value = value.strftime("%Y-%m-%d")
            line.append(str(value))
        lines.append(line)
    return lines


def jst_status(jst, missing_profile):
    """The state of one JST for its page: (row or None for a withdrawn JST, [what is missing],
    [(label, endpoint, policy action)] that mend it, in order — the page offers the first one the
    user may do as the next step). missing_profile: the fields the documents still need
    (services.jsts.missing_for_documents)."""
    rows = load_rows({jst.id})
    if not rows:
        return None, [], []
    row = rows[0]
    todo = []  # (what is missing, the action that mends it)
    if row.team_size < 2:
        todo.append(
            (
                "zespół ma mniej niż 2 osoby",
                ("Dodaj członka zespołu", "jst.member_add", "jst.manage"),
            )
        )
    if missing_profile:
        todo.append(
            (
                "dane JST do dokumentów: " + ", ".join(label for _f, label in missing_profile),
                ("Uzupełnij dane JST", "jst.jst_edit", "jst.manage"),
            )
        )
    if not row.expert_id:
        todo.append(("ekspert opiekun", ("Przypisz eksperta", "jst.expert_assign", "jst.manage")))
    if row.status == "submitted":
        todo.append(
            ("opinia o przekazanym planie", ("Zaopiniuj plan", "review.read", "review.comment"))
        )
    elif row.status != "accepted":
        todo.append((f"zatwierdzony plan (teraz: {row.status_label.lower()})", None))
    if not row.agreement_signed:
        todo.append(
            (
                "podpisana deklaracja współpracy",
                ("Zapisz podpisaną deklarację", "documents.jst_documents", "doc.manage"),
            )
        )
    if row.declarations_missing:
        todo.append(
            (
                f"podpisane oświadczenia uczestników ({row.declarations_text})",
                ("Zapisz podpisane oświadczenia", "documents.jst_documents", "doc.manage"),
            )
        )
    if row.attendance_low:
        todo.append((f"frekwencja zespołu ({row.attendance_text}) poniżej progu", None))
    if row.visit_date is None:
        todo.append(("wizyta eksperta", ("Zapisz wizytę eksperta", "review.visit", "visit.edit")))
    return row, [what for what, _action in todo], [action for _what, action in todo if action]
