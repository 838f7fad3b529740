"""The data version (issue 17): one row whose counter every committed write to the programme's
tables raises, through database triggers — so a process may keep what it computed from those
tables (the board, the report) for as long as the counter stands still, whoever wrote: another
web worker, another server, the job worker, a person at psql.

The counter moves once per transaction that wrote to a tracked table. On PostgreSQL the trigger
is deferred to the commit (a constraint trigger that raises the counter once per transaction):
the row is locked only while the transaction commits, not from its first write, and one lock
can never deadlock with another. SQLite has one writer at a time anyway; its triggers raise the
counter per written row. `epoch` is random per database and drawn again at every init-db, so
neither a copy of another database (a test's) nor a restored backup (whose counter goes back)
shares a version with what a process kept before.

MODELS: the tables of this area (exported through models.ALL_MODELS).
MIGRATIONS: [(number, function)], numbers 90–99 belong to this area.
"""

import secrets

from peewee import BigIntegerField

from .base import BaseModel, db, is_postgres

# The tables whose writes move the version: those the kept pages read (services.kept; a test
# renders each kept page and checks that every table its SQL reads is here) — every model's
# table but those marked `versioned = False`: the sessions, mail, audit, jobs, reminders, drafts
# and the plans' content change all day and no summary shows them. Set by track().
TRACKED = ()
TRIGGER = "data_version_bump"


class DataVersion(BaseModel):
    versioned = False
    epoch = BigIntegerField()
    counter = BigIntegerField(default=0)


MODELS = [DataVersion]

_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('planjst.data_version_bumped', true) IS DISTINCT FROM 'yes' THEN
    PERFORM set_config('planjst.data_version_bumped', 'yes', true);
    UPDATE data_version SET counter = counter + 1;
  END IF;
  RETURN NULL;
END $$"""


def track(models):
    """Take TRACKED from the models (models/__init__.py, with ALL_MODELS): a new model's writes
    move the version unless it says otherwise."""
    global TRACKED
    TRACKED = tuple(model._meta.table_name for model in models if model.versioned)


def install_triggers():
    """Triggers on every tracked table that has none yet (run by migrate() every time, so a
    table added to TRACKED gets them on the next init-db), and a new epoch: what any process
    kept is stale after an init-db (a restored backup brings back an old counter)."""
    if DataVersion.select().count() == 0:
        DataVersion.create(epoch=secrets.randbits(62))
    else:
        DataVersion.update(epoch=secrets.randbits(62)).execute()
    if is_postgres():
        db.execute_sql(_PG_FUNCTION)
        present = {
            row[0]
            for row in db.execute_sql(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = %s",
                (TRIGGER,),
            )
        }
        for table in TRACKED:
            if table in present:
                continue
            db.execute_sql(
                f"CREATE CONSTRAINT TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE "
                f'ON "{table}" DEFERRABLE INITIALLY DEFERRED '
                f"FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()"
            )
            db.execute_sql(
                f'CREATE TRIGGER {TRIGGER}_truncate AFTER TRUNCATE ON "{table}" '
                f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()"
            )
        return
    for table in TRACKED:
        for event in ("INSERT", "UPDATE", "DELETE"):
            db.execute_sql(
                f'CREATE TRIGGER IF NOT EXISTS "{TRIGGER}_{table}_{event.lower()}" '
                f'AFTER {event} ON "{table}" '
                f"BEGIN UPDATE data_version SET counter = counter + 1; END"
            )


def current():
    """(epoch, counter) as committed now; None without the row (nothing may be kept then)."""
    row = db.execute_sql("SELECT epoch, counter FROM data_version").fetchone()
    return None if row is None else (row[0], row[1])


def m0090_data_version():
    db.create_tables(MODELS, safe=True)


MIGRATIONS = [(90, m0090_data_version)]
