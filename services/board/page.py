"""The board's page in a fixed number of queries, its statements compiled once per process, and
every row matching the filters (the exports) or in scope (a JST's page)."""

from dataclasses import dataclass

from lib import memos
from lib.formatting import today_local
from models import db, is_postgres
from models.plans import Plan
from models.programme import Module
from models.review import ExpertVisit

from .facts import _experts, _Facts, _threshold
from .filters import PER_PAGE, _heads
from .rows import _row


def load_rows(jst_ids=None):
    """Every active JST (or those among `jst_ids`) as a Row, in Polish name order."""
    facts = _Facts(jst_ids)
    return [_row(data, facts.threshold) for data in facts.rows()]


# compiled statements of the board ((sql, params) by everything that shapes them), so a request
# does not build and compile the nested query again; a few hundred entries at most
_COMPILED = memos.memo("board.statements", 256)


def _compiled(key, build):
    found = _COMPILED.get(key)
    if found is None:
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
    begun = list(Module.select().where(Module.start_date <= today_local()))
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
