"""The programme report (issue 17): the figures the EU project reports and ORE's management asks
for, as tables (each drawn as an SVG bar chart by the template), for the whole programme or one
programme group. A fixed number of GROUP BY queries whatever the number of JSTs.

A count below 3 in a table about people is hidden (HIDDEN): such a cell could point to
identifiable people; so is a second count wherever the hidden one would follow from a total
(Table._suppress, build).
"""

from dataclasses import dataclass, field
from datetime import date

from openpyxl import Workbook
from peewee import JOIN, SQL, fn

from lib import exports
from models import JST_KINDS, PROGRAM_GROUPS, Jst, TeamMembership
from models.participants import ParticipantData
from models.plans import Plan, School
from models.programme import REPORT_STATUS, Attendance, Module, ModuleSession, Task, TaskReport
from models.surveys import Certificate, Survey, SurveyDone

from .board import PLAN_STATUSES, VOIVODESHIPS
from .participants import EDUCATION

HIDDEN = "ukryte"  # a count not shown: below 3, or one that would give such a count away
SMALL = 3  # counts of people below this are hidden: they could point to identifiable people
SEXES = {"K": "kobiety", "M": "mężczyźni"}
AGE_BANDS = ("18-24", "25-54", "55+")
UNKNOWN = "brak danych"
PEOPLE = ["Uczestnicy"]  # the one column of the tables about participants


@dataclass
class Table:
    key: str
    title: str
    columns: list  # headers of the value columns (the first column is the row label)
    rows: list = field(default_factory=list)  # [(label, [values])]
    people: tuple = ()  # the columns that count people: their small counts are hidden
    percent: tuple = ()  # the columns of percentages
    shares: tuple = ()  # columns computed from the first column's count: hidden with it
    totalled: bool = True  # the people columns' totals are known (their rows split one total)
    hidden: set = field(default_factory=set, init=False)  # {(row, column)} not shown
    open_to_total: bool = field(default=False, init=False)  # see _suppress

    def __post_init__(self):
        for column in self.people:
            self._suppress(column)

    def _values(self, column):
        return [values[column] for _label, values in self.rows]

    def _suppress(self, column):
        """Hide the column's counts below SMALL, and when its total is known and they would
        follow from it — one hidden count, or k counts summing to k or 2k (each can only be 1 or
        2) — its smallest shown count too (a zero only when no other is left). With no count
        left to hide the column stays open to its total: build() keeps that total unknown."""
        values = self._values(column)
        small = {r for r, v in enumerate(values) if v is not None and 0 < v < SMALL}
        self.hidden |= {(r, column) for r in small}
        rest, k = sum(values[r] for r in small), len(small)
        if not (self.totalled and small and (k == 1 or rest in (k, 2 * k))):
            return
        shown = [r for r, v in enumerate(values) if v is not None and r not in small]
        if shown:
            self.hidden.add((min(shown, key=lambda r: (values[r] == 0, values[r])), column))
        else:
            self.open_to_total = True

    def hide_total(self):
        """Hide the largest shown count of each people column that shows all of them, so that
        the column no longer gives its total (build(): another table is open to it)."""
        for column in self.people:
            values = self._values(column)
            if any((r, column) in self.hidden for r in range(len(values))):
                continue
            largest = max(range(len(values)), key=lambda r: values[r] or 0, default=None)
            if largest is not None and values[largest]:
                self.hidden.add((largest, column))

    def _hides(self, row, column):
        first = self.people[0] if self.people else None
        return (row, column) in self.hidden or (
            column in self.shares and (row, first) in self.hidden
        )

    def cell(self, row, column=0):
        """The text of a cell: "—" for no value, HIDDEN for a hidden count."""
        value = self.rows[row][1][column]
        if value is None:
            return "—"
        if self._hides(row, column):
            return HIDDEN
        return f"{value} %" if column in self.percent else str(value)

    def bar(self, row, width=200):
        """The length of the row's bar of the first column (0 for a hidden count; the longest
        shown value, or 100 %, draws the whole width)."""
        value = self.rows[row][1][0]
        if value is None or self._hides(row, 0):
            return 0
        top = (
            100
            if 0 in self.percent
            else max(
                (v[0] or 0 for r, (_l, v) in enumerate(self.rows) if not self._hides(r, 0)),
                default=0,
            )
        )
        return round(width * value / top) if top else 0

    def lines(self):
        """[(label, [cell texts], bar length)]: the table as the page and the XLSX show it."""
        return [
            (label, [self.cell(r, c) for c in range(len(values))], self.bar(r))
            for r, (label, values) in enumerate(self.rows)
        ]


def _scope(group):
    where = Jst.status == "active"
    if group in PROGRAM_GROUPS:
        where &= Jst.program_group == group
    return where


def _members(group):
    return TeamMembership.select().join(Jst).where(TeamMembership.left_at.is_null() & _scope(group))


def _people(group):
    """{(sex, age band, education, JST kind, voivodeship code, programme group): people} of the
    current teams: one GROUP BY for the five tables about participants (a few hundred
    combinations at most, summed per table in Python)."""
    prefix = fn.SUBSTR(Jst.teryt, 1, 2)
    columns = (
        ParticipantData.sex,
        ParticipantData.age_band,
        ParticipantData.education,
        Jst.kind,
        prefix,
        Jst.program_group,
    )
    return (
        _members(group)
        .select(*columns, fn.COUNT(TeamMembership.id))
        .switch(TeamMembership)
        .join(ParticipantData, JOIN.LEFT_OUTER, on=ParticipantData.user == TeamMembership.user)
        .group_by(*columns)
        .tuples()
    )


def _sum_by(rows, index):
    """{value of column `index` ("" for none): the sum of the rows' last column}."""
    counts = {}
    for row in rows:
        key = "" if row[index] is None else row[index]
        counts[key] = counts.get(key, 0) + row[-1]
    return counts


def _jsts(group):
    """{(kind, programme group, voivodeship code, plan status): JSTs}: one GROUP BY for the
    tables about JSTs and plans."""
    prefix = fn.SUBSTR(Jst.teryt, 1, 2)
    status = fn.COALESCE(Plan.status, "none")
    return (
        Jst.select(Jst.kind, Jst.program_group, prefix, status, fn.COUNT(Jst.id))
        .join(Plan, JOIN.LEFT_OUTER, on=Plan.jst == Jst.id)
        .where(_scope(group))
        .group_by(Jst.kind, Jst.program_group, prefix, status)
        .tuples()
    )


def _attendance_days(group):
    """{(module id, day, programme group): the current members present} — one row per person
    and day (attendance is unique on module, person and day), so also the days present: one pass
    over the attendance serves the attendance table and the closed workshop surveys (a
    workshop's survey asks those present on its day). The (person, module, day) index answers
    it alone on SQLite; PostgreSQL hash joins the attendance to the teams."""
    query = (
        _members(group)
        .select(Attendance.module, Attendance.day, Jst.program_group, fn.COUNT(SQL("*")))
        .switch(TeamMembership)
        .join(Attendance, on=(Attendance.user == TeamMembership.user))
    )
    grouped = query.group_by(Attendance.module, Attendance.day, Jst.program_group)
    return {(module, day, g): n for module, day, g, n in grouped.tuples()}


def _labelled(counts, labels):
    rows = [(label, [counts.get(key, 0)]) for key, label in labels]
    unknown = sum(n for key, n in counts.items() if key not in dict(labels))
    if unknown:
        rows.append((UNKNOWN, [unknown]))
    return rows


def build(group=None, today=None):
    """[Table] of the report for the whole programme (group None) or one programme group."""
    today = today or date.today()
    people = list(_people(group))
    jsts = list(_jsts(group))
    days = _attendance_days(group)
    groups = [g for g in PROGRAM_GROUPS if group in (None, g)]
    members = _sum_by(people, 5)
    participants = [
        _by_sex(people),
        _by_age(people),
        _by_education(people),
        _by_kind(people),
        _by_voivodeship(people, jsts),
    ]
    if any(table.open_to_total for table in participants):
        # every table about participants splits the same total: none may give it away
        for table in participants:
            table.hide_total()
    return participants + [
        _jsts_by_kind(jsts, groups),
        _plans_by_status(jsts, groups),
        _schools(group, groups),
        _attendance(groups, members, days, today),
        _task_reports(group),
        _certificates(group, groups),
        _surveys(group, groups, members, days, today),
    ]


def _by_sex(people):
    rows = _labelled(_sum_by(people, 0), list(SEXES.items()))
    return Table("plec", "Uczestnicy według płci", PEOPLE, rows, people=(0,))


def _by_age(people):
    labels = [(band, f"{band} lat") for band in AGE_BANDS]
    rows = _labelled(_sum_by(people, 1), labels)
    return Table("wiek", "Uczestnicy według wieku", PEOPLE, rows, people=(0,))


def _by_education(people):
    rows = _labelled(_sum_by(people, 2), EDUCATION)
    return Table("wyksztalcenie", "Uczestnicy według wykształcenia", PEOPLE, rows, people=(0,))


def _by_kind(people):
    counts = _sum_by(people, 3)
    rows = [(spec[0], [counts.get(kind, 0)]) for kind, spec in JST_KINDS.items()]
    return Table("rodzaj", "Uczestnicy według rodzaju JST", PEOPLE, rows, people=(0,))


def _by_voivodeship(people, jsts):
    members = _sum_by(people, 4)
    units = _sum_by(jsts, 2)
    rows = [
        (name, [members.get(code, 0), units.get(code, 0)]) for code, name in VOIVODESHIPS.items()
    ]
    other = sum(n for code, n in members.items() if code not in VOIVODESHIPS)
    if other:
        rows.append((UNKNOWN, [other, sum(n for c, n in units.items() if c not in VOIVODESHIPS)]))
    title = "Uczestnicy i JST według województw"
    return Table("wojewodztwo", title, ["Uczestnicy", "JST"], rows, people=(0,))


def _per_group(counts, keys, groups):
    """Rows [(label, [total, per group …])] of {(key, group): n} for `keys` {key: label}."""
    return [
        (
            label,
            [sum(counts.get((key, g), 0) for g in groups)]
            + [counts.get((key, g), 0) for g in groups],
        )
        for key, label in keys.items()
    ]


def _group_columns(groups):
    return [f"grupa {PROGRAM_GROUPS[g]}" for g in groups]


def _jsts_by_kind(jsts, groups):
    counts = {}
    for kind, g, _prefix, _status, n in jsts:
        counts[kind, g] = counts.get((kind, g), 0) + n
    kinds = {kind: spec[0] for kind, spec in JST_KINDS.items()}
    return Table(
        "jst",
        "JST według rodzaju i grupy programowej",
        ["Razem", *_group_columns(groups)],
        _per_group(counts, kinds, groups),
    )


def _plans_by_status(jsts, groups):
    counts = {}
    for _kind, g, _prefix, status, n in jsts:
        counts[status, g] = counts.get((status, g), 0) + n
    return Table(
        "plany",
        "Plany według statusu i grupy programowej",
        ["Razem", *_group_columns(groups)],
        _per_group(counts, PLAN_STATUSES, groups),
    )


def _schools(group, groups):
    schools, accepted = {}, {}
    for g, status, n in (
        School.select(Jst.program_group, Plan.status, fn.COUNT(School.id))
        .join(Plan)
        .join(Jst)
        .where(_scope(group))
        .group_by(Jst.program_group, Plan.status)
        .tuples()
    ):
        schools[g] = schools.get(g, 0) + n
        if status == "accepted":
            accepted[g] = accepted.get(g, 0) + n
    return Table(
        "szkoly",
        "Szkoły objęte planami",
        ["Wszystkie plany", "Plany zatwierdzone"],
        [(f"grupa {PROGRAM_GROUPS[g]}", [schools.get(g, 0), accepted.get(g, 0)]) for g in groups],
    )


def _attendance(groups, members, days_present, today):
    """The share of the days present in the days the current members could attend, per begun
    module and programme group."""
    modules = list(Module.select().where(Module.start_date <= today).order_by(Module.number))
    present = {}
    for (module, _day, g), n in days_present.items():
        present[module, g] = present.get((module, g), 0) + n
    rows = []
    for module in modules:
        days = (module.end_date - module.start_date).days + 1
        shares = []
        for g in groups:
            expected = members.get(g, 0) * days
            shares.append(
                round(100 * present.get((module.id, g), 0) / expected) if expected else None
            )
        rows.append((f"moduł {module.number}", shares))
    return Table(
        "obecnosc",
        "Frekwencja według modułu i grupy programowej (modułów rozpoczętych)",
        _group_columns(groups),
        rows,
        percent=tuple(range(len(groups))),
    )


def _task_reports(group):
    reports = {
        (t, s): n
        for t, s, n in TaskReport.select(
            TaskReport.task, TaskReport.status, fn.COUNT(TaskReport.id)
        )
        .join(Jst)
        .where(_scope(group))
        .group_by(TaskReport.task, TaskReport.status)
        .tuples()
    }
    return Table(
        "zadania",
        "Zadania wdrożeniowe: sprawozdania",
        ["Przekazane (razem)", *REPORT_STATUS.values()],
        [
            (
                task.title,
                [sum(reports.get((task.id, s), 0) for s in REPORT_STATUS)]
                + [reports.get((task.id, s), 0) for s in REPORT_STATUS],
            )
            for task in Task.select(Task, Module).join(Module).order_by(Module.number)
        ],
    )


def _certificates(group, groups):
    issued = dict(
        Certificate.select(Jst.program_group, fn.COUNT(Certificate.id))
        .join(TeamMembership, on=(TeamMembership.user == Certificate.user))
        .join(Jst)
        .where(TeamMembership.left_at.is_null() & _scope(group))
        .group_by(Jst.program_group)
        .tuples()
    )
    return Table(
        "zaswiadczenia",
        "Wystawione zaświadczenia",
        ["Zaświadczenia"],
        [(f"grupa {PROGRAM_GROUPS[g]}", [issued.get(g, 0)]) for g in groups],
        people=(0,),
    )


def _surveys(group, groups, members, days_present, today):
    """Per closed survey, the current participants who answered and their share. Only closed
    ones: while a survey is open, two looks would tell who answered in between (issue 25.3)."""
    done = dict(
        SurveyDone.select(SurveyDone.survey, fn.COUNT(SurveyDone.id))
        .join(TeamMembership, on=(TeamMembership.user == SurveyDone.user))
        .join(Jst)
        .where(TeamMembership.left_at.is_null() & _scope(group))
        .group_by(SurveyDone.survey)
        .tuples()
    )
    everyone = sum(members.get(g, 0) for g in groups)
    closed = list(
        Survey.select(
            Survey,
            ModuleSession.module.alias("session_module"),
            ModuleSession.day.alias("session_day"),
        )
        .join(ModuleSession, JOIN.LEFT_OUTER, on=(ModuleSession.id == Survey.session))
        .where(Survey.closes_on < today)
        .order_by(Survey.opens_on, Survey.id)
        .objects()
    )
    # a workshop's survey asks only those present on its day: its share is of them
    present = {}
    for (module, day, _g), n in days_present.items():
        present[module, day] = present.get((module, day), 0) + n
    rows = []
    for survey in closed:
        answered = done.get(survey.id, 0)
        if survey.session_id is None:
            asked = everyone
        else:
            asked = present.get((survey.session_module, survey.session_day), 0)
        rows.append((survey.title, [answered, round(100 * answered / asked) if asked else None]))
    return Table(
        "ankiety",
        "Ankiety zamknięte: uczestnicy, którzy odpowiedzieli",
        ["Uczestnicy", "Odsetek"],
        rows,
        people=(0,),
        percent=(1,),
        shares=(1,),
        totalled=False,  # each survey's own people: no total to give a hidden count away
    )


def _sheet_title(title, used):
    clean = "".join(c for c in title if c not in "[]:*?/\\")[:28]
    name, n = clean, 2
    while name in used:
        name, n = f"{clean[:25]} {n}", n + 1
    used.add(name)
    return name


def xlsx(tables):
    """One sheet per table; every cell text (as lib.exports writes them: a title that starts
    with "=" stays text, never a formula)."""
    book = Workbook()
    book.remove(book.active)
    used = set()
    for table in tables:
        sheet = book.create_sheet(_sheet_title(table.title, used))
        lines = [[table.title], ["", *table.columns]]
        lines += [[label, *cells] for label, cells, _bar in table.lines()]
        exports.write_text(sheet, lines)
    return exports.xlsx_file(book)
