"""The plan library (issue 30.1): the actions of accepted plans, searchable by words.

`LibraryEntry` holds one action of an accepted plan with the text that is searched, written when
the plan is accepted (`index_plan`) and removed when it is reopened (`unindex_plan`); an accepted
plan's rows cannot change. What the filters and their counts read is in the entry itself (the
JST's kind, voivodeship and sort key, `visible` = not opted out), so a search reads one table:
joined live, the counts of the five filters cost ~40 ms each at 20,000 actions on SQLite. They
follow the JST: `refresh_jst` when its choice or its profile changes (services call it).

The words are searched by the database's own engine: on SQLite an FTS5 table over the entries
(external content, `unicode61 remove_diacritics 2`, kept in step by triggers); on PostgreSQL a
tsvector column (`simple` configuration over `unaccent`) with a GIN index. The searched text is
folded (lib.text.fold: "Łódź" → "lodz") before either sees it: SQLite's tokenizer keeps "ł".

MODELS: the tables of this area (exported through models.ALL_MODELS).
MIGRATIONS: [(number, function)], numbers 110–119 belong to this area.
"""

from peewee import (
    JOIN,
    BigIntegerField,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from lib.text import fold

from .accounts import User
from .base import BaseModel, db, is_postgres, utcnow
from .jst import Jst
from .plans import Action, ActionSchool, OperationalGoal, Plan, School

FTS = "library_fts"
# a school kind's bit in LibraryEntry.school_mask: the kinds of services.plans.SCHOOL_KINDS
# (tests/library checks they are the same), as bits because six LIKEs over 20,000 rows cost 16 ms
SCHOOL_BITS = {
    kind: 1 << i
    for i, kind in enumerate(
        ("przedszkole", "szkola_podstawowa", "liceum", "technikum", "branzowa", "inna")
    )
}


class LibraryEntry(BaseModel):
    """One action of an accepted plan, as the library shows and searches it (no names of
    people or schools: the schools' kinds only)."""

    # versioned: services.library keeps what a search counted while the data version stands
    action = ForeignKeyField(Action, unique=True, on_delete="CASCADE")
    plan = ForeignKeyField(Plan, index=True, on_delete="CASCADE")
    jst = ForeignKeyField(Jst, index=True, on_delete="CASCADE")
    position = IntegerField(default=0)
    title = CharField(max_length=200, default="")
    goal = TextField(default="")
    area = CharField(max_length=40, default="")
    school_kinds = CharField(max_length=200, default="")  # "|przedszkole|szkola_podstawowa|"
    school_mask = IntegerField(default=0)  # the same kinds as SCHOOL_BITS
    cost_grosze = BigIntegerField(null=True)
    indicator = CharField(max_length=200, default="")
    search_text = TextField(default="")  # folded: title, goal, result, indicator, target
    # the JST's, copied (see refresh_jst): the filters and the order read one table
    jst_kind = CharField(max_length=40, default="")
    voivodeship = CharField(max_length=2, default="")
    jst_sort = CharField(max_length=800, default="")
    visible = BooleanField(default=True)  # False: the JST keeps its plan out of the library

    class Meta:
        indexes = (
            (("visible", "area"), False),
            (("visible", "jst_kind"), False),
            (("visible", "voivodeship"), False),
            (("visible", "cost_grosze"), False),
            (("visible", "jst_sort", "position"), False),
        )


class LibraryChoice(BaseModel):
    """A JST's choice about the library: its accepted plan in the library (yes unless it said
    no) and published on the public page of the best plans (no unless it agreed)."""

    jst = ForeignKeyField(Jst, unique=True, on_delete="CASCADE")
    in_library = BooleanField(default=True)
    publish = BooleanField(default=False)
    updated_at = DateTimeField(default=utcnow)
    updated_by = ForeignKeyField(User, null=True, on_delete="SET NULL")


MODELS = [LibraryEntry, LibraryChoice]


def index_plan(plan):
    """Put the actions of `plan` (just accepted) into the library, replacing what was there."""
    unindex_plan(plan)
    actions = list(
        Action.select(Action, OperationalGoal.title.alias("goal_title"))
        .join(OperationalGoal, JOIN.LEFT_OUTER, on=Action.goal == OperationalGoal.id)
        .where(Action.plan == plan)
        .order_by(Action.position)
        .objects()
    )
    kinds = {}
    for action_id, kind in (
        ActionSchool.select(ActionSchool.action, School.kind)
        .join(School)
        .where(School.plan == plan)
        .tuples()
    ):
        kinds.setdefault(action_id, set()).add(kind)
    jst = Jst.get_by_id(plan.jst_id)
    shared = _jst_columns(jst)
    rows = []
    for action in actions:
        goal = action.goal_title or ""
        words = (action.title, goal, action.expected_result, action.indicator, action.target)
        rows.append(
            {
                "action": action.id,
                "plan": plan.id,
                "jst": plan.jst_id,
                "position": action.position,
                "title": action.title,
                "goal": goal,
                "area": action.area,
                "school_kinds": "".join(f"|{k}" for k in sorted(kinds.get(action.id, ()))) + "|",
                "school_mask": sum(SCHOOL_BITS.get(k, 0) for k in kinds.get(action.id, ())),
                "cost_grosze": action.cost_grosze,
                "indicator": action.indicator,
                "search_text": fold(" ".join(w for w in words if w)),
                **shared,
            }
        )
    insert_entries(rows)


def insert_entries(rows, batch=500):
    """Insert library rows (dicts of LibraryEntry's columns) and, on PostgreSQL, their
    tsvector (SQLite's FTS table follows by its triggers)."""
    for start in range(0, len(rows), batch):
        LibraryEntry.insert_many(rows[start : start + batch]).execute()
    if rows and is_postgres():
        plan_ids = sorted({row["plan"] for row in rows})
        db.execute_sql(
            "UPDATE library_entry SET search = to_tsvector('simple', unaccent(search_text)) "
            "WHERE plan_id = ANY(%s)",
            (plan_ids,),
        )


def _jst_columns(jst):
    choice = LibraryChoice.get_or_none(LibraryChoice.jst == jst)
    return {
        "jst_kind": jst.kind,
        "voivodeship": (jst.teryt or "")[:2],
        "jst_sort": jst.name_sort,
        "visible": choice is None or choice.in_library,
    }


def refresh_jst(jst):
    """The JST's columns of its entries again, after its choice or its profile changed."""
    LibraryEntry.update(**_jst_columns(jst)).where(LibraryEntry.jst == jst).execute()


def unindex_plan(plan):
    LibraryEntry.delete().where(LibraryEntry.plan == plan).execute()


def m0110_library():
    """The library's tables and its word index: FTS5 on SQLite (external content, triggers),
    a tsvector with a GIN index over `unaccent` on PostgreSQL; then the plans accepted so far."""
    db.create_tables(MODELS, safe=True)
    if is_postgres():
        db.execute_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
        db.execute_sql("ALTER TABLE library_entry ADD COLUMN IF NOT EXISTS search tsvector")
        db.execute_sql(
            "CREATE INDEX IF NOT EXISTS library_entry_search ON library_entry USING GIN (search)"
        )
    else:
        db.execute_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(search_text, "
            "content='library_entry', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        new = f"INSERT INTO {FTS}(rowid, search_text) VALUES (new.id, new.search_text);"
        old = (
            f"INSERT INTO {FTS}({FTS}, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text);"
        )
        for event, body in (("insert", new), ("delete", old), ("update", old + " " + new)):
            db.execute_sql(
                f"CREATE TRIGGER IF NOT EXISTS library_entry_fts_{event} "
                f"AFTER {event.upper()} ON library_entry BEGIN {body} END"
            )
    for plan in Plan.select().where(Plan.status == "accepted"):
        index_plan(plan)


def m0111_library_facets():
    """An index holding every filter's column: the counts of a search without words read it
    alone (on PostgreSQL an index-only scan, ~3× faster than the table's, whose rows carry the
    searched text). On PostgreSQL no parallel workers for the library's scans: starting them
    cost more than they saved (a page of "szkoła", 11,402 ranked: 42 ms with two, 33 without,
    on the shared 2-core machine), and the web workers are the parallelism."""
    db.execute_sql(
        "CREATE INDEX IF NOT EXISTS library_entry_facets ON library_entry "
        "(visible, area, jst_kind, voivodeship, cost_grosze, school_mask)"
    )
    if is_postgres():
        db.execute_sql("ALTER TABLE library_entry SET (parallel_workers = 0)")


MIGRATIONS = [(110, m0110_library), (111, m0111_library_facets)]
