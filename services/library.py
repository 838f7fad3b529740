"""The plan library (issue 30.1): search the actions of accepted plans, copy one into one's own
plan, a JST's choice to stay out of it or to publish its plan, and the public best plans.

What may be seen is decided here, on every query, from the live tables: the plan accepted, the
JST active and not opted out (models.library says how the words are indexed). Nothing a search
returns names a person or a school: an action's title, goal, competence area, the kinds of its
schools, cost, indicator and the JST that wrote it.
"""

import math
import re
from dataclasses import dataclass

from peewee import JOIN

from lib.identifiers import VOIVODESHIPS
from lib.text import fold
from models import JST_KINDS, Jst, db, is_postgres, utcnow, write_tx
from models.library import FTS, SCHOOL_BITS, LibraryChoice, LibraryEntry, refresh_jst
from models.plans import STATUS_LABELS, Action, Plan
from models.programme import BestPlan

from . import plans
from .kept import kept
from .plans.editing import UID

PAGE_SIZE = 20
# key → (label, lowest grosze, highest grosze or None)
COST_RANGES = {
    "do-10-tys": ("do 10 000 zł", 0, 1_000_000),
    "10-50-tys": ("10 001–50 000 zł", 1_000_001, 5_000_000),
    "50-200-tys": ("50 001–200 000 zł", 5_000_001, 20_000_000),
    "ponad-200-tys": ("ponad 200 000 zł", 20_000_001, None),
}
NOTE = "Na podstawie planu: {jst}"
# the endings of Polish inflection a query word loses (the longest first), so that
# "języków", "językowe" and "języki" all look for "jezyk…": stems by prefix, in both engines
ENDINGS = sorted(
    "ami ach ach ow om ie ej ego emu ymi imi ich ych a e i o u y".split(), key=len, reverse=True
)
STEM_MIN = 3
WORD = re.compile(r"[0-9a-z]+")


@dataclass(frozen=True)
class Filters:
    q: str = ""
    area: str = ""
    kind: str = ""
    voivodeship: str = ""
    cost: str = ""
    school: str = ""

    @classmethod
    def from_args(cls, args):
        """The filters of a request's arguments; a value the library does not offer counts as
        not given (no error for a hand-edited address)."""

        def pick(name, allowed):
            value = (args.get(name) or "").strip()
            return value if value in allowed else ""

        return cls(
            q=(args.get("q") or "").strip()[:200],
            area=pick("obszar", plans.AREA_LABELS),
            kind=pick("rodzaj", JST_KINDS),
            voivodeship=pick("woj", VOIVODESHIPS),
            cost=pick("koszt", COST_RANGES),
            school=pick("szkola", plans.SCHOOL_KIND_LABELS),
        )

    def args(self):
        """The request arguments of these filters (links to other pages), empty ones left out."""
        named = {
            "q": self.q,
            "obszar": self.area,
            "rodzaj": self.kind,
            "woj": self.voivodeship,
            "koszt": self.cost,
            "szkola": self.school,
        }
        return {name: value for name, value in named.items() if value}


@dataclass(frozen=True)
class Item:
    id: int
    title: str
    goal: str
    area: str
    school_kinds: tuple
    cost_grosze: int | None
    indicator: str
    jst_name: str
    jst_kind: str
    voivodeship: str
    best: bool


@dataclass(frozen=True)
class Results:
    items: list
    total: int
    page: int
    pages: int
    facets: dict  # filter → {value: count}, each counted with the other filters applied


def terms(text):
    """The query's words, folded and cut to their stems (see ENDINGS)."""
    stems = []
    for word in WORD.findall(fold(text)):
        for ending in ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= STEM_MIN:
                word = word[: -len(ending)]
                break
        if word not in stems:
            stems.append(word)
    return stems[:10]


def search(filters, page=1):
    """One page of the actions matching `filters`, best match first, with the counts of every
    filter's values: two queries (the counts, the page), each kept while the data stands."""
    words = terms(filters.q)
    if filters.q and not words:
        return Results([], 0, 1, 1, {name: {} for name in FACETS})
    query = _Query(words)
    total, facets = kept(("library.counts", tuple(words), filters), lambda: query.counts(filters))
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(page, 1), pages)
    items = (
        kept(("library.page", tuple(words), filters, page), lambda: query.page(filters, page))
        if total
        else []
    )
    return Results(items, total, page, pages, facets)


# filter → (its attribute in Filters, the values it offers)
FACETS = {
    "obszar": ("area", plans.AREA_LABELS),
    "rodzaj": ("kind", JST_KINDS),
    "woj": ("voivodeship", VOIVODESHIPS),
    "koszt": ("cost", COST_RANGES),
    "szkola": ("school", SCHOOL_BITS),
}
COLUMNS = {"obszar": "area", "rodzaj": "jst_kind", "woj": "voivodeship"}


class _Query:
    """The SQL of a search: the visible entries, the words matched by the database's engine."""

    def __init__(self, words):
        self.mark = db.obj.param
        self.words = words
        self.postgres = is_postgres()

    def _match(self):
        """(SQL matching the words, the SQL of a match's score — lower is better —, params)."""
        if not self.words:
            return "", "0", []
        if self.postgres:
            tsquery = " & ".join(f"{w}:*" for w in self.words)
            # the stems are folded already ([0-9a-z]): no unaccent(), which, being STABLE, made
            # PostgreSQL build the tsquery again for every row it ranked
            where = f" AND e.search @@ to_tsquery('simple', {self.mark})"
            score = f"-ts_rank(e.search, to_tsquery('simple', {self.mark}))"
            return where, score, [tsquery]
        match = " ".join(f'"{w}"*' for w in self.words)
        join = (
            f" JOIN (SELECT rowid AS id, bm25({FTS}) AS score FROM {FTS} "
            f"WHERE {FTS} MATCH {self.mark}) m ON m.id = e.id"
        )
        return join, "m.score", [match]

    def _from(self):
        """(FROM … WHERE … of the visible entries matching the words, params)."""
        match, _score, params = self._match()
        if self.postgres:
            return " FROM library_entry e WHERE e.visible = TRUE" + match, params
        return " FROM library_entry e" + match + " WHERE e.visible = TRUE", params

    def _has(self, name, key):
        """(SQL true for the entries having the value `key` of the filter `name`, params)."""
        m = self.mark
        if name == "koszt":
            _label, low, high = COST_RANGES[key]
            if high is None:
                return f"e.cost_grosze >= {m}", [low]
            return f"e.cost_grosze BETWEEN {m} AND {m}", [low, high]
        if name == "szkola":
            return f"(e.school_mask & {m}) <> 0", [SCHOOL_BITS[key]]
        return f"e.{COLUMNS[name]} = {m}", [key]

    def _conditions(self, filters, without=None):
        """(SQL true for the entries passing the filters given but `without`, params)."""
        parts, params = ["TRUE"], []
        for name, (attribute, _values) in FACETS.items():
            value = getattr(filters, attribute)
            if value and name != without:
                sql, value_params = self._has(name, value)
                parts.append(sql)
                params += value_params
        return " AND ".join(parts), params

    def counts(self, filters):
        """(how many entries pass `filters`, {filter: {value: count}}), each filter's counts
        with every other filter applied, from one scan of the matching entries (nothing
        ranked): on PostgreSQL one GROUP BY of five grouping sets, on SQLite (which has none)
        one row of COUNT(*) FILTER, one a value."""
        if self.postgres:
            return self._grouped_counts(filters)
        columns, params, keys = [], [], []
        for name, (_attribute, values) in FACETS.items():
            others, others_params = self._conditions(filters, without=name)
            for key in values:
                has, has_params = self._has(name, key)
                columns.append(f"COUNT(*) FILTER (WHERE {others} AND {has})")
                params += others_params + has_params
                keys.append((name, key))
        passing, passing_params = self._conditions(filters)
        sql, match_params = self._from()
        row = db.execute_sql(
            f"SELECT COUNT(*) FILTER (WHERE {passing}), {', '.join(columns)}" + sql,
            passing_params + params + match_params,
        ).fetchone()
        facets = {name: {} for name in FACETS}
        for (name, key), n in zip(keys, row[1:], strict=True):
            if n:
                facets[name][key] = n
        return row[0], facets

    def _grouped_counts(self, filters):
        """counts() on PostgreSQL: the matching entries grouped by each filter's value and
        whether the entry passes every other filter (GROUPING SETS: one scan)."""
        costs, params = [], []
        for key in COST_RANGES:
            has, has_params = self._has("koszt", key)
            costs.append(f"WHEN {has} THEN '{key}'")
            params += has_params
        values = ["e.area", "e.jst_kind", "e.voivodeship", f"CASE {' '.join(costs)} END"]
        values.append("e.school_mask")
        passes = []
        for name in FACETS:
            others, others_params = self._conditions(filters, without=name)
            passes.append(f"({others}) AS ok{len(passes)}")
            params += others_params
        sql, match_params = self._from()
        sets = ", ".join(f"(v{i}, ok{i})" for i in range(len(FACETS)))
        inner = ", ".join(f"{value} AS v{i}" for i, value in enumerate(values))
        rows = db.execute_sql(
            "SELECT GROUPING(v0, v1, v2, v3, v4), v0, v1, v2, v3, v4, ok0, ok1, ok2, ok3, ok4, "
            f"COUNT(*) FROM (SELECT {inner}, {', '.join(passes)}" + sql + ") s"
            f" GROUP BY GROUPING SETS ({sets})",
            params + match_params,
        ).fetchall()
        names = list(FACETS)
        facets = {name: {} for name in FACETS}
        total = 0
        for row in rows:
            # GROUPING(): a bit set for each value not grouped by, v0's the highest
            i = next(i for i in range(len(names)) if not row[0] & (16 >> i))
            value, ok, n = row[1 + i], row[6 + i], row[11]
            if not ok:
                continue
            name = names[i]
            if name == "obszar" and (not filters.area or value == filters.area):
                total += n  # passing the others, and the area filter too
            if name == "szkola":
                for key, bit in SCHOOL_BITS.items():
                    if value & bit:
                        facets[name][key] = facets[name].get(key, 0) + n
            elif value in FACETS[name][1]:
                facets[name][value] = facets[name].get(value, 0) + n
        return total, facets

    def page(self, filters, page):
        """The page's entries, best match first (then by JST and the plan's order); the JST's
        name and the best-plan mark joined for those 20 rows only."""
        sql, params = self._from()
        conditions, condition_params = self._conditions(filters)
        sql += " AND " + conditions
        params += condition_params
        _match, score, score_params = self._match()
        if self.postgres:
            params = score_params + params
        order = "score, " if self.words else ""  # no words: the index's order
        matching = f"SELECT e.id, {score} AS score, e.jst_sort, e.position" + sql
        if self.postgres and not self.words and condition_params:
            # filters alone: PostgreSQL would walk the whole order's index for the few entries
            # passing them (17 ms for "powiat" and an area: powiats sort last); OFFSET 0 keeps
            # it from, so it finds them by the filters' indexes and sorts those (1 ms)
            matching = f"SELECT * FROM ({matching} OFFSET 0) filtered"
        rows = db.execute_sql(
            "SELECT e.id, e.title, e.goal, e.area, e.school_kinds, e.cost_grosze, e.indicator, "
            f"j.name, e.jst_kind, e.voivodeship, b.id IS NOT NULL FROM ({matching}"
            f" ORDER BY {order}jst_sort, position"
            + f" LIMIT {PAGE_SIZE} OFFSET {(page - 1) * PAGE_SIZE}) found"
            " JOIN library_entry e ON e.id = found.id JOIN jst j ON j.id = e.jst_id"
            " LEFT JOIN best_plan b ON b.jst_id = e.jst_id"
            " ORDER BY found.score, found.jst_sort, found.position",
            params,
        ).fetchall()
        return [
            Item(
                id=row[0],
                title=row[1],
                goal=row[2],
                area=plans.AREA_LABELS.get(row[3], ""),
                school_kinds=tuple(
                    plans.SCHOOL_KIND_LABELS.get(k, k) for k in row[4].split("|") if k
                ),
                cost_grosze=row[5],
                indicator=row[6],
                jst_name=row[7],
                jst_kind=JST_KINDS.get(row[8], ("",))[0],
                voivodeship=VOIVODESHIPS.get(row[9], ""),
                best=bool(row[10]),
            )
            for row in rows
        ]


def entry(entry_id):
    """A visible library entry by id, or None (drafts, returned and opted-out plans are not)."""
    return (
        LibraryEntry.select(LibraryEntry, Jst)
        .join(Plan, on=LibraryEntry.plan == Plan.id)
        .switch(LibraryEntry)
        .join(Jst, on=LibraryEntry.jst == Jst.id)
        .where(
            (LibraryEntry.id == entry_id)
            & (Plan.status == "accepted")
            & (LibraryEntry.visible == True)  # noqa: E712
        )
        .first()
    )


def use_in_plan(entry_id, plan, uid, user):
    """Copy the library action `entry_id` into `plan` as a new row, through the wizard's normal
    save (services.plans.save_edit: a double click with the same `uid` saves once; the same uid
    with other content meanwhile is a conflict). Nothing of the source plan changes. Returns the
    save's RowOutcome; raises LookupError for an entry the library does not show and
    plans.NotEditable when the plan cannot be edited now."""
    found = entry(entry_id)
    if found is None:
        raise LookupError(entry_id)
    source = Action.get_by_id(found.action_id)
    note = NOTE.format(jst=found.jst.name)
    result = source.expected_result.strip()
    limit = 5000 - len(note) - 2
    values = {
        "title": source.title,
        "goal": None,  # the source's goal is another plan's row
        "area": source.area,
        "responsible": "",  # the other JST's people are not copied
        "start_month": source.start_month,
        "end_month": source.end_month,
        "cost_grosze": source.cost_grosze,
        "funding": source.funding,
        "expected_result": (result[:limit] + "\n\n" if result else "") + note,
        "indicator": source.indicator,
        "target": source.target,
        "verification": source.verification,
    }
    uid = uid if UID.fullmatch(uid or "") else plans.new_uid()
    edit = plans.RowEdit("dzialania", uid)  # a new row's page, as open_row opens it
    submitted = plans.RowInput(values, {"schools": [], "partners": []}, None, uid=uid)
    return plans.save_edit(plan, edit, submitted, user)


# ---------- a JST's choice ----------


def choice(jst):
    """(in the library, published on the public page) of a JST: yes and no until it chooses."""
    row = LibraryChoice.get_or_none(LibraryChoice.jst == jst)
    return (True, False) if row is None else (row.in_library, row.publish)


def save_choice(jst, in_library, publish, user):
    with write_tx():
        LibraryChoice.insert(
            jst=jst, in_library=in_library, publish=publish, updated_at=utcnow(), updated_by=user
        ).on_conflict(
            conflict_target=[LibraryChoice.jst],
            update={
                LibraryChoice.in_library: in_library,
                LibraryChoice.publish: publish,
                LibraryChoice.updated_at: utcnow(),
                LibraryChoice.updated_by: user,
            },
        ).execute()
        refresh_jst(jst)


def opted_out():
    """[(jst, plan status, when it chose)] of the JSTs that keep their plan out of the library."""
    rows = (
        LibraryChoice.select(LibraryChoice, Jst, Plan.status)
        .join(Jst)
        .join(Plan, JOIN.LEFT_OUTER, on=Plan.jst == Jst.id)
        .where(LibraryChoice.in_library == False)  # noqa: E712
        .order_by(Jst.name_sort)
        .objects()
    )
    return [(row.jst, STATUS_LABELS.get(row.status, ""), row.updated_at) for row in rows]


# ---------- the public page of the best plans ----------


def published_best():
    """The best plans whose JST agreed to publish them: [Jst], by name (accepted plans only)."""
    return list(
        Jst.select()
        .join(BestPlan, on=BestPlan.jst == Jst.id)
        .switch(Jst)
        .join(LibraryChoice, on=LibraryChoice.jst == Jst.id)
        .switch(Jst)
        .join(Plan, on=Plan.jst == Jst.id)
        .where(
            (LibraryChoice.publish == True)  # noqa: E712
            & (Plan.status == "accepted")
            & (Jst.status == "active")
        )
        .order_by(Jst.name_sort)
    )


def published_best_jst(jst_id):
    return next((jst for jst in published_best() if jst.id == jst_id), None)
