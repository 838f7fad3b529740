"""Database proxy, base model and the one transaction helper every write goes through."""

from datetime import UTC, datetime

from peewee import DatabaseProxy, DateTimeField, Model, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import connect
from playhouse.pool import PooledDatabase

from lib import memos

db = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",
    "busy_timeout": 10000,
    # deleted rows (a survey draft with its user, erased personal data) are overwritten with
    # zeros instead of staying readable in free space
    "secure_delete": 1,
}


DB_INT_MAX = 2**63 - 1  # the largest integer a column holds (SQLite's driver raises beyond it)


def db_int(value):
    """int(value) when a database integer can hold it, else ValueError — as the `type=` of
    request.args.get, a larger number counts as not given."""
    number = int(value)
    if not -DB_INT_MAX <= number <= DB_INT_MAX:
        raise ValueError(value)
    return number


def utcnow():
    """Naive UTC timestamp: what every DateTimeField stores (shown in Europe/Warsaw)."""
    return datetime.now(UTC).replace(tzinfo=None)


def open_database(url):
    """Bind the proxy to the database named by `url` (sqlite:/// or postgresql://), through a
    connection pool: a request takes a connection and gives it back, instead of opening one (a
    new PostgreSQL backend; SQLite's pragmas) every time."""
    if isinstance(db.obj, PooledDatabase):  # another app in this process (tests, benchmarks)
        db.obj.close_all()
    scheme, rest = url.split("://", 1)
    pooled = f"{scheme}+pool://{rest}"
    if scheme == "sqlite":
        # IMMEDIATE: a read-then-write transaction takes the write lock up front, so it waits
        # (busy_timeout) instead of failing with "database is locked" halfway through.
        # A pooled connection serves one thread at a time, not always the one that opened it.
        database = connect(
            pooled, pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE", check_same_thread=False
        )
    else:
        # a connection idle longer than stale_timeout is replaced (servers drop idle ones)
        database = connect(pooled, autoconnect=True, stale_timeout=300)
    db.initialize(database)
    return database


def release():
    """End this thread's use of its connection (the end of a request, of a job). A connection
    that ends inside a transaction — a failed one, or one a streamed response left open — is
    rolled back and closed instead of going back to the pool, where the next request would
    inherit its locks or its aborted state ("database is locked", "current transaction is
    aborted")."""
    if db.is_closed():
        return
    conn = db.connection()
    if _idle(conn):
        db.close()
        return
    try:
        conn.rollback()
    except Exception:  # noqa: BLE001 — a dead connection: it is dropped below anyway
        pass
    db.obj.manual_close() if isinstance(db.obj, PooledDatabase) else db.close()


def _idle(conn):
    status = getattr(conn, "get_transaction_status", None)  # psycopg2
    if status is not None:
        from psycopg2.extensions import TRANSACTION_STATUS_IDLE  # noqa: PLC0415

        return not conn.closed and status() == TRANSACTION_STATUS_IDLE
    return not conn.in_transaction and not db.in_transaction()


def is_sqlite():
    return isinstance(db.obj, SqliteDatabase)


def is_postgres():
    return isinstance(db.obj, PostgresqlDatabase)


def write_tx():
    """One transaction for a write (nested calls become savepoints)."""
    return db.atomic()


def locked(query):
    """`query` for a read-then-write inside write_tx(): on PostgreSQL the rows it reads stay
    locked until the transaction ends, so a concurrent save of them waits and then sees this
    one's commit — what BEGIN IMMEDIATE already does for the whole database on SQLite. (NO KEY:
    inserts elsewhere that merely reference these rows do not wait.)"""
    return query.for_update("FOR NO KEY UPDATE") if is_postgres() else query


_PREPARED = memos.memo("models.prepared")  # (key, database class) → [query, sql, set-up]


def prepared(key, build, params):
    """The rows of `build()`, a query that runs on most requests, its SQL built once per process.

    Peewee spends about 0.1 ms writing the SQL of a small query (the JST list page's 0.5 ms);
    SQLite runs it in a few µs. `key` names the query's shape — anything that changes its SQL
    must be in it; `params` are this call's values in the order the SQL takes them, checked
    against peewee's own when the SQL is built (a query edited without its params fails at once).
    Rows come back as that query would return them (models, joined models, tuples).

    The cursor wrapper's set-up (which column goes to which model and converter, worked out
    from the cursor's description: the same for the same SQL) is kept from the first execution
    that returned rows too — for the session row and its user that was half of the lookup.
    Peewee's private cursor wrapper: tests/test_private_internals.py fails on an upgrade."""
    entry = _PREPARED.get((key, type(db.obj)))
    if entry is None:
        query = build()
        sql, built = query.sql()
        if list(built) != list(params):
            raise AssertionError(f"prepared({key!r}): the SQL takes {built!r}, given {params!r}")
        entry = _PREPARED[key, type(db.obj)] = [query, sql, None]
    query, sql, setup = entry
    wrapper = query._get_cursor_wrapper(db.execute_sql(sql, params))
    if setup is not None:
        wrapper.__dict__.update(setup)
        return list(wrapper)
    before = set(wrapper.__dict__)
    rows = list(wrapper)
    if wrapper.initialized:  # what initialize() added to the wrapper, and the flag itself
        entry[2] = {name: wrapper.__dict__[name] for name in wrapper.__dict__.keys() - before}
        entry[2]["initialized"] = True
    return rows


class BaseModel(Model):
    versioned = True  # its writes move the data version (models.versions); False: they never do

    class Meta:
        database = db
        legacy_table_names = False


class TimestampedModel(BaseModel):
    created_at = DateTimeField(default=utcnow)
