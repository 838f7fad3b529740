"""The programme report (issue 17): the figures the EU project reports and ORE's management asks
for, as tables (each drawn as an SVG bar chart by the template), for the whole programme or one
programme group. A fixed number of GROUP BY queries whatever the number of JSTs.

A count below 3 in a table about people is shown as "< 3" (SMALL): such a cell could point to
identifiable people.
"""

import io
from dataclasses import dataclass, field
from datetime import date

from openpyxl import Workbook
from peewee import JOIN, fn

from models import JST_KINDS, PROGRAM_GROUPS, Jst, TeamMembership, is_postgres
from models.participants import ParticipantData
from models.plans import Plan, School
from models.programme import REPORT_STATUS, Attendance, Module, Task, TaskReport
from models.surveys import Certificate, Survey, SurveyDone

from .board import PLAN_STATUSES, VOIVODESHIPS
from .participants import EDUCATION

SMALL = "< 3"
SEXES = {"K": "kobiety", "M": "mężczyźni"}
AGE_BANDS = ("18-24", "25-54", "55+")
UNKNOWN = "brak danych"


@dataclass
class Table:
    key: str
    title: str
    columns: list  # headers of the value columns (the first column is the row label)
    rows: list = field(default_factory=list)  # [(label, [values])]
    people: tuple = ()  # the columns that count people: their small counts are hidden
    percent: bool = False  # the values are percentages

    def cell(self, value, column=0):
        if value is None:
            return "—"
        if self.percent:
            return f"{value} %"
        if column in self.people and 0 < value < 3:
            return SMALL
        return str(value)

    def bar(self, value, width=200):
        """The length of the bar of the first column (0 for a hidden small count)."""
        if value is None or (0 in self.people and 0 < value < 3):
            return 0
        top = 100 if self.percent else max((r[1][0] or 0 for r in self.rows), default=0)
        return round(width * value / top) if top else 0


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


def _present(group, module_ids):
    """{(module id, programme group): days present of the current members}. SQLite counts each
    member's days of each module through the (module, user, day) index; PostgreSQL, which runs a
    correlated subquery once per row, groups the attendance per module and person once and hash
    joins it to the teams."""
    module_ids = module_ids or [0]
    if is_postgres():
        days = (
            Attendance.select(
                Attendance.module.alias("module_id"),
                Attendance.user.alias("user_id"),
                fn.COUNT(Attendance.id).alias("n"),
            )
            .where(Attendance.module.in_(module_ids))
            .group_by(Attendance.module, Attendance.user)
            .alias("days")
        )
        query = (
            _members(group)
            .select(days.c.module_id, Jst.program_group, fn.SUM(days.c.n))
            .join(days, on=days.c.user_id == TeamMembership.user)
            .group_by(days.c.module_id, Jst.program_group)
        )
    else:
        days = Attendance.select(fn.COUNT(Attendance.id)).where(
            (Attendance.module == Module.id) & (Attendance.user == TeamMembership.user)
        )
        query = (
            _members(group)
            .select(Module.id, Jst.program_group, fn.SUM(days))
            .join(Module, JOIN.CROSS)
            .where(Module.id.in_(module_ids))
            .group_by(Module.id, Jst.program_group)
        )
    return {(m, g): int(n or 0) for m, g, n in query.tuples()}


def _labelled(counts, labels):
    rows = [(label, [counts.get(key, 0)]) for key, label in labels]
    unknown = sum(n for key, n in counts.items() if key not in dict(labels))
    if unknown:
        rows.append((UNKNOWN, [unknown]))
    return rows


def build(group=None, today=None):
    """[Table] of the report for the whole programme (group None) or one programme group."""
    today = today or date.today()
    tables = []
    people = ["Uczestnicy"]

    people_rows = list(_people(group))
    jst_rows = list(_jsts(group))
    tables.append(
        Table(
            "plec",
            "Uczestnicy według płci",
            people,
            _labelled(_sum_by(people_rows, 0), list(SEXES.items())),
            people=(0,),
        )
    )
    tables.append(
        Table(
            "wiek",
            "Uczestnicy według wieku",
            people,
            _labelled(_sum_by(people_rows, 1), [(band, f"{band} lat") for band in AGE_BANDS]),
            people=(0,),
        )
    )
    tables.append(
        Table(
            "wyksztalcenie",
            "Uczestnicy według wykształcenia",
            people,
            _labelled(_sum_by(people_rows, 2), EDUCATION),
            people=(0,),
        )
    )
    by_kind = _sum_by(people_rows, 3)
    tables.append(
        Table(
            "rodzaj",
            "Uczestnicy według rodzaju JST",
            people,
            [(spec[0], [by_kind.get(kind, 0)]) for kind, spec in JST_KINDS.items()],
            people=(0,),
        )
    )
    by_voivodeship = _sum_by(people_rows, 4)
    jsts_by_voivodeship = _sum_by(jst_rows, 2)
    rows = [
        (name, [by_voivodeship.get(code, 0), jsts_by_voivodeship.get(code, 0)])
        for code, name in VOIVODESHIPS.items()
    ]
    other = sum(n for code, n in by_voivodeship.items() if code not in VOIVODESHIPS)
    if other:
        rows.append(
            (
                UNKNOWN,
                [other, sum(n for c, n in jsts_by_voivodeship.items() if c not in VOIVODESHIPS)],
            )
        )
    tables.append(
        Table(
            "wojewodztwo",
            "Uczestnicy i JST według województw",
            ["Uczestnicy", "JST"],
            rows,
            people=(0,),
        )
    )

    groups = [g for g in PROGRAM_GROUPS if group in (None, g)]
    kind_group = {}
    plan_rows = {}
    for kind, g, _prefix, status, n in jst_rows:
        kind_group[kind, g] = kind_group.get((kind, g), 0) + n
        plan_rows[status, g] = plan_rows.get((status, g), 0) + n
    tables.append(
        Table(
            "jst",
            "JST według rodzaju i grupy programowej",
            ["Razem"] + [f"grupa {PROGRAM_GROUPS[g]}" for g in groups],
            [
                (
                    spec[0],
                    [sum(kind_group.get((kind, g), 0) for g in groups)]
                    + [kind_group.get((kind, g), 0) for g in groups],
                )
                for kind, spec in JST_KINDS.items()
            ],
        )
    )

    tables.append(
        Table(
            "plany",
            "Plany według statusu i grupy programowej",
            ["Razem"] + [f"grupa {PROGRAM_GROUPS[g]}" for g in groups],
            [
                (
                    label,
                    [sum(plan_rows.get((key, g), 0) for g in groups)]
                    + [plan_rows.get((key, g), 0) for g in groups],
                )
                for key, label in PLAN_STATUSES.items()
            ],
        )
    )
    schools, accepted_schools = {}, {}
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
            accepted_schools[g] = accepted_schools.get(g, 0) + n
    tables.append(
        Table(
            "szkoly",
            "Szkoły objęte planami",
            ["Wszystkie plany", "Plany zatwierdzone"],
            [
                (f"grupa {PROGRAM_GROUPS[g]}", [schools.get(g, 0), accepted_schools.get(g, 0)])
                for g in groups
            ],
        )
    )

    modules = list(Module.select().where(Module.start_date <= today).order_by(Module.number))
    members_per_group = _sum_by(people_rows, 5)
    present = _present(group, [m.id for m in modules])
    rows = []
    for module in modules:
        days = (module.end_date - module.start_date).days + 1
        shares = []
        for g in groups:
            expected = members_per_group.get(g, 0) * days
            shares.append(
                round(100 * present.get((module.id, g), 0) / expected) if expected else None
            )
        rows.append((f"moduł {module.number}", shares))
    tables.append(
        Table(
            "obecnosc",
            "Frekwencja według modułu i grupy programowej (modułów rozpoczętych)",
            [f"grupa {PROGRAM_GROUPS[g]}" for g in groups],
            rows,
            percent=True,
        )
    )

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
    tables.append(
        Table(
            "zadania",
            "Zadania wdrożeniowe: sprawozdania",
            ["Przekazane (razem)"] + list(REPORT_STATUS.values()),
            [
                (
                    task.title,
                    [sum(reports.get((task.id, s), 0) for s in REPORT_STATUS)]
                    + [reports.get((task.id, s), 0) for s in REPORT_STATUS],
                )
                for task in Task.select(Task, Module).join(Module).order_by(Module.number)
            ],
        )
    )

    certificates = dict(
        Certificate.select(Jst.program_group, fn.COUNT(Certificate.id))
        .join(TeamMembership, on=(TeamMembership.user == Certificate.user))
        .join(Jst)
        .where(TeamMembership.left_at.is_null() & _scope(group))
        .group_by(Jst.program_group)
        .tuples()
    )
    tables.append(
        Table(
            "zaswiadczenia",
            "Wystawione zaświadczenia",
            ["Zaświadczenia"],
            [(f"grupa {PROGRAM_GROUPS[g]}", [certificates.get(g, 0)]) for g in groups],
            people=(0,),
        )
    )

    done = dict(
        SurveyDone.select(SurveyDone.survey, fn.COUNT(SurveyDone.id))
        .join(TeamMembership, on=(TeamMembership.user == SurveyDone.user))
        .join(Jst)
        .where(TeamMembership.left_at.is_null() & _scope(group))
        .group_by(SurveyDone.survey)
        .tuples()
    )
    everyone = sum(members_per_group.get(g, 0) for g in groups)
    tables.append(
        Table(
            "ankiety",
            "Ankiety: odsetek uczestników, którzy odpowiedzieli",
            ["Odpowiedzi"],
            [
                (
                    survey.title,
                    [round(100 * done.get(survey.id, 0) / everyone) if everyone else None],
                )
                for survey in Survey.select().order_by(Survey.opens_on, Survey.id)
            ],
            percent=True,
        )
    )
    return tables


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
        lines += [
            [label, *(table.cell(v, i) for i, v in enumerate(values))]
            for label, values in table.rows
        ]
        for r, line in enumerate(lines, start=1):
            for c, value in enumerate(line, start=1):
                cell = sheet.cell(row=r, column=c)
                cell.value = value
                cell.data_type = "s"
                cell.number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
