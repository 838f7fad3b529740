"""The coordinator's progress board (issue 17): one row per active JST with the state of its plan,
documents, attendance, tasks, visit, surveys and certificates.

Built from a fixed number of queries whatever the number of JSTs: one query with the per-JST
aggregates as correlated subqueries, one for the attendance sums per JST — then
filtered, sorted and cut into pages in Python (1,000 rows are a few milliseconds; every filter
value is checked against its allowed values first, so no SQL is ever built from user input).
"""

from dataclasses import dataclass, field
from datetime import date

from peewee import JOIN, fn

from models import JST_KINDS, PROGRAM_GROUPS, ExpertAssignment, Jst, TeamMembership, User
from models.documents import SignedCopy
from models.plans import STATUS_LABELS, Plan
from models.programme import Attendance, Module, TaskReport
from models.review import ExpertVisit
from models.surveys import Certificate, SurveyDone

from . import settings
from .identifiers import VOIVODESHIPS
from .text import fold

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

# ?sort=… (a leading "-" reverses): the column keys a user may sort by
SORTS = {
    "nazwa": "name_sort",
    "rodzaj": "kind_label",
    "grupa": "program_group",
    "woj": "voivodeship",
    "ekspert": "expert_name",
    "zespol": "team_size",
    "status": "status_order",
    "zmiana": "plan_updated_at",
    "deklaracja": "agreement_signed",
    "oswiadczenia": "declarations_signed",
    "obecnosc": "attendance",
    "zadania": "tasks_reported",
    "wizyta": "visit_date",
    "ankiety": "surveys_done",
    "zaswiadczenia": "certificates",
}

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
        "name_key",
        "name_sort",
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
        "status_order",
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


def _members():
    member = TeamMembership.alias()
    return member, (member.jst == Jst.id) & member.left_at.is_null()


def _query(jst_ids):
    member, current = _members()
    team_size = member.select(fn.COUNT(member.id)).where(current)
    signed_member = TeamMembership.alias()
    declarations = signed_member.select(fn.COUNT(signed_member.id)).where(
        (signed_member.jst == Jst.id)
        & signed_member.left_at.is_null()
        & fn.EXISTS(
            SignedCopy.select(SignedCopy.id).where(
                (SignedCopy.participant == signed_member.user) & (SignedCopy.kind == "oswiadczenie")
            )
        )
    )
    agreement = SignedCopy.select(fn.COUNT(SignedCopy.id)).where(
        (SignedCopy.jst == Jst.id) & (SignedCopy.kind == "deklaracja")
    )
    report = TaskReport.alias()
    reported = report.select(fn.COUNT(report.id)).where(report.jst == Jst.id)
    accepted = report.select(fn.COUNT(report.id)).where(
        (report.jst == Jst.id) & (report.status == "accepted")
    )
    surveys = _survey_count()
    certificates = _certificate_count()
    expert = User.alias()
    query = (
        Jst.select(
            Jst.id,
            Jst.name,
            Jst.name_key,
            Jst.name_sort,
            Jst.kind,
            Jst.program_group,
            Jst.teryt,
            Plan.status.alias("plan_status"),
            Plan.updated_at.alias("plan_updated_at"),
            expert.id.alias("expert_id"),
            expert.full_name.alias("expert_name"),
            ExpertVisit.visit_date.alias("visit_date"),
            team_size.alias("team_size"),
            declarations.alias("declarations_signed"),
            agreement.alias("agreements"),
            reported.alias("tasks_reported"),
            accepted.alias("tasks_accepted"),
            surveys.alias("surveys_done"),
            certificates.alias("certificates"),
        )
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
        .where(Jst.status == "active")
    )
    if jst_ids is not None:
        query = query.where(Jst.id.in_(sorted(jst_ids) or [0]))
    return query.dicts()


def _survey_count():
    member, current = _members()
    return (
        SurveyDone.select(fn.COUNT(SurveyDone.id))
        .join(member, on=(member.user == SurveyDone.user))
        .where(current)
    )


def _certificate_count():
    member, current = _members()
    return (
        Certificate.select(fn.COUNT(Certificate.id))
        .join(member, on=(member.user == Certificate.user))
        .where(current)
    )


def _attendance_by_jst(jst_ids=None):
    """{jst id: the mean attendance share of its current team, in exact percent}: a member's share
    is their days present over the days of the modules begun since they joined (as
    services.programme.attendance_rates counts it), summed in the database per JST and joining
    date. Empty before the first module. Two queries whatever the number of people."""
    begun = list(Module.select().where(Module.start_date <= date.today()))
    if not begun:
        return {}
    present = fn.COUNT(Attendance.id)
    query = (
        TeamMembership.select(
            TeamMembership.jst,
            TeamMembership.joined_at,
            fn.COUNT(fn.DISTINCT(TeamMembership.id)),
            present,
        )
        .join(
            Attendance,
            JOIN.LEFT_OUTER,
            on=(Attendance.user == TeamMembership.user)
            & Attendance.module.in_([m.id for m in begun]),
        )
        .where(
            TeamMembership.left_at.is_null()
            & (True if jst_ids is None else TeamMembership.jst.in_(sorted(jst_ids) or [0]))
        )
        .group_by(TeamMembership.jst, TeamMembership.joined_at)
        .tuples()
    )
    days = {}
    sums = {}
    for jst_id, joined, members, attended in query:
        if joined not in days:
            start = joined or date.min
            days[joined] = sum(
                max((m.end_date - max(m.start_date, start)).days + 1, 0) for m in begun
            )
        if days[joined]:  # a member who joined after every module had nothing to attend
            share = min(100 * attended / (days[joined] * members), 100) * members
            total = sums.setdefault(jst_id, [0.0, 0])
            total[0] += share
            total[1] += members
    return {jst_id: share / members for jst_id, (share, members) in sums.items()}


def _threshold():
    try:
        return float(settings.get("certificate_min_attendance"))
    except ValueError:
        return 80.0


def load_rows(jst_ids=None):
    """Every active JST (or those among `jst_ids`) as a Row, in Polish name order."""
    attendance = _attendance_by_jst(jst_ids)
    threshold = _threshold()
    order = {key: i for i, key in enumerate(PLAN_STATUSES)}
    rows = []
    for data in _query(jst_ids):
        row = Row()
        row.id = data["id"]
        row.name = data["name"]
        row.name_key = data["name_key"]
        row.name_sort = data["name_sort"]
        row.kind = data["kind"]
        row.kind_label = JST_KINDS[row.kind][0] if row.kind in JST_KINDS else row.kind
        row.program_group = data["program_group"]
        row.group_label = PROGRAM_GROUPS.get(row.program_group, "")
        row.teryt = data["teryt"] or ""
        row.voivodeship_code = row.teryt[:2]
        row.voivodeship = VOIVODESHIPS.get(row.voivodeship_code, "")
        row.expert_id = data["expert_id"]
        row.expert_name = data["expert_name"] or ""
        row.team_size = data["team_size"] or 0
        row.status = data["plan_status"] or NO_PLAN
        row.status_label = PLAN_STATUSES.get(row.status, row.status)
        row.status_order = order.get(row.status, 0)
        row.plan_updated_at = data["plan_updated_at"] if data["plan_status"] else None
        row.agreement_signed = bool(data["agreements"])
        row.declarations_signed = data["declarations_signed"] or 0
        row.attendance = attendance.get(row.id) if attendance else None
        row.attendance_low = row.attendance is not None and row.attendance < threshold
        row.tasks_reported = data["tasks_reported"] or 0
        row.tasks_accepted = data["tasks_accepted"] or 0
        row.visit_date = data["visit_date"]
        row.surveys_done = data["surveys_done"] or 0
        row.certificates = data["certificates"] or 0
        rows.append(row)
    rows.sort(key=lambda r: (r.name_sort, r.id))
    return rows


def _matches(row, f, needle):
    return (
        (not f.status or row.status == f.status)
        and (f.group is None or row.program_group == f.group)
        and (not f.kind or row.kind == f.kind)
        and (not f.voivodeship or row.voivodeship_code == f.voivodeship)
        and (f.expert is None or row.expert_id == f.expert)
        and all(row.missing(what) for what in f.missing)
        and (not needle or needle in row.name_key)
    )


def _sorted(rows, sort):
    attr = SORTS[sort.lstrip("-")]
    reverse = sort.startswith("-")
    present = [r for r in rows if getattr(r, attr) not in (None, "")]
    absent = [r for r in rows if getattr(r, attr) in (None, "")]
    present.sort(key=lambda r: getattr(r, attr), reverse=reverse)  # stable: ties in name order
    return present + absent  # empty values last in either direction


@dataclass
class Board:
    rows: list  # the rows of the page
    total: int  # rows matching the filters
    page: int
    pages: int
    counts: dict  # {"status": {key: n}, "missing": {key: n}, "group": {n: count}}
    experts: list  # [(id, name)] of the experts on the board (the filter's choices)
    filtered: list  # every row matching the filters (the exports)


def board(filters, jst_ids=None, per_page=PER_PAGE):
    """The board for `filters`; jst_ids: the JSTs the user may see (None: all)."""
    everything = load_rows(jst_ids)
    needle = fold(filters.q) if filters.q else ""
    matching = _sorted([r for r in everything if _matches(r, filters, needle)], filters.sort)
    pages = max((len(matching) + per_page - 1) // per_page, 1)
    page = filters.page if filters.page <= pages else 1
    start = (page - 1) * per_page
    counts = {
        "status": {key: 0 for key in PLAN_STATUSES},
        "missing": {key: 0 for key in MISSING},
        "group": {key: 0 for key in PROGRAM_GROUPS},
    }
    experts = {}
    for row in everything:
        counts["status"][row.status] = counts["status"].get(row.status, 0) + 1
        if row.program_group in counts["group"]:
            counts["group"][row.program_group] += 1
        for what in MISSING:
            counts["missing"][what] += row.missing(what)
        if row.expert_id:
            experts[row.expert_id] = row.expert_name
    return Board(
        rows=matching[start : start + per_page],
        total=len(matching),
        page=page,
        pages=pages,
        counts=counts,
        experts=sorted(experts.items(), key=lambda item: (fold(item[1]), item[0])),
        filtered=matching,
    )


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
