"""The board's rows: one JST as plain values, and its columns as text for the exports."""

from lib.identifiers import VOIVODESHIPS
from models import JST_KINDS, PROGRAM_GROUPS

from .filters import NO_PLAN, PLAN_STATUSES

SMALL = 3  # fewer survey answers of a JST's team than this are shown as "< 3"

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
    answered = int(data["surveys_done"] or 0)  # of closed surveys; 1 for 1 or 2 (facts)
    row.surveys_done = f"< {SMALL}" if 0 < answered < SMALL else str(answered)
    row.certificates = int(data["certificates"] or 0)
    return row


def export_rows(rows):
    """The header and one line per row, every value as text (lib.exports writes them)."""
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
