"""What the coordinator's summaries compute, kept per process while the data is unchanged
(issue 17). The board, the programme report, the certificates' overview and the survey results
aggregate every JST, participant and answer — tens of milliseconds at the national size — and
are read far more often than the programme's data changes. A kept value is tagged with the data
version (models.versions: a counter every committed write to the tracked tables raises, from
any process) and today's date; a request reads the version (one single-row query) and takes the
kept value only if both still match, so a change is seen by the very next request.

The version is read before the value is built: what is built is at least as new as its tag, and
a value built from older data can never be stored under a newer tag. Inside a transaction nothing
is kept or taken: what it reads may be its own uncommitted writes (on PostgreSQL the version
moves only at the commit), and a kept value would not show them. A kept value is frozen (lists
as tuples, dicts read-only, sets as frozensets): every caller shares it.
"""

import dataclasses
import functools
from types import MappingProxyType

from peewee import Model

from lib import memos
from lib.formatting import today_local
from models import db, versions

LIMIT = 300  # values per process (a kept page is up to ~40 kB); the oldest goes first

_kept = memos.memo("kept.values", LIMIT)  # key → (tag, value); the oldest goes first


def kept(key, build):
    """build() or the value kept for `key` (naming everything the value depends on besides the
    tracked tables and the date: the page, its filters, the user's role and scope; sets, lists,
    models and dataclasses in it are made hashable by _frozen)."""
    if db.in_transaction():
        return build()
    key = _frozen(key)
    version = versions.current()
    if version is None:
        return build()
    tag = (version, today_local())
    found = _kept.get(key)
    if found is not None and found[0] == tag:
        return found[1]
    value = _read_only(build())
    _kept.pop(key, None)
    _kept[key] = (tag, value)
    return value


def forget():
    """Drop every kept value (the tests, between one database's contents and the next; a new app
    forgets every memo: lib.memos.forget_all)."""
    _kept.clear()


def _frozen(value):
    """A hashable stand-in for a key's part: a set as a sorted tuple, a list as a tuple, a model
    by its table and id, a dataclass by its fields."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _frozen(dataclasses.astuple(value))
    if isinstance(value, (set, frozenset)):
        return tuple(sorted(map(_frozen, value)))
    if isinstance(value, (list, tuple)):
        return tuple(map(_frozen, value))
    if isinstance(value, Model):
        return (value._meta.table_name, value._pk)
    return value


def _read_only(value):
    """The value with its lists, tuples, dicts and sets made immutable, all the way down (models,
    markup and other objects as they are)."""
    if isinstance(value, dict):
        return MappingProxyType({key: _read_only(item) for key, item in value.items()})
    if isinstance(value, (list, tuple)) and type(value) in (list, tuple):
        return tuple(_read_only(item) for item in value)
    if isinstance(value, tuple):  # a named tuple keeps its type
        return type(value)(*(_read_only(item) for item in value))
    if isinstance(value, (set, frozenset)):
        return frozenset(value)
    return value


def keeps(name):
    """A decorator: the function's result kept by its arguments (services.lists' pages: they
    depend on their arguments and the tracked tables only)."""

    def wrap(func):
        @functools.wraps(func)
        def kept_call(*args, **kwargs):
            return kept((name, args, sorted(kwargs.items())), lambda: func(*args, **kwargs))

        return kept_call

    return wrap
