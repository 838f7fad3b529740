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

filters: what a user may filter and sort by, read from the query string; facts: the SQL (the
per-JST aggregates and the query joining them); rows: one JST as plain values and the exports'
text; page: the page and its compiled statements, every matching row; status: one JST's state
for its page. The names below are the area's interface: import them from here."""

from lib.identifiers import VOIVODESHIPS

from .facts import GROUPED_FROM, attendance_days
from .filters import MISSING, NO_PLAN, PER_PAGE, PLAN_STATUSES, SORTS, Filters, parse_filters
from .page import Board, board, filtered_rows, load_rows
from .rows import COLUMNS, Row, export_rows
from .status import jst_status

__all__ = [
    "Board",
    "COLUMNS",
    "Filters",
    "GROUPED_FROM",
    "MISSING",
    "NO_PLAN",
    "PER_PAGE",
    "PLAN_STATUSES",
    "Row",
    "SORTS",
    "VOIVODESHIPS",
    "attendance_days",
    "board",
    "export_rows",
    "filtered_rows",
    "jst_status",
    "load_rows",
    "parse_filters",
]
