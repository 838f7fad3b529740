"""Every value a process keeps between requests, in one place (issue 26).

A memo is a dict that lives as long as the process: compiled SQL, compiled templates, the
chrome's URLs, the logo, the kept summary pages (services.kept) … Each is made here, by name and
with its bound, and forget_all() drops them — create_app calls it, so an app made anew in the
same process (tests, benchmarks: another database) starts with nothing of another app's kept.
A memo made `by_content` is not an app's state: its key is (a digest of) everything its value
is made of — a template's bytes, an image's, a date — so it holds for any app and database, and
forget_all keeps it unless told `content=True` (compiling a Word template costs ~1 s).

A memo is an OrderedDict, oldest first: adding an entry beyond its limit drops the oldest. What
a memo may hold is its owner's business (the owner's module says what its key must name)."""

import functools
import threading
from collections import OrderedDict

_ALL = {}  # name → Memo, or a function kept by functools.lru_cache
_BY_CONTENT = set()  # names of the memos keyed by everything their values are made of


class Memo(OrderedDict):
    """A per-process dict of at most `limit` entries (None: unbounded — its keys are few by
    construction); `lock` for owners that read and write it in more than one step."""

    def __init__(self, name, limit=None):
        super().__init__()
        self.name = name
        self.limit = limit
        self.lock = threading.Lock()

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        while self.limit is not None and len(self) > self.limit:
            try:
                self.popitem(last=False)
            except KeyError:  # another thread emptied it meanwhile
                break


def memo(name, limit=None, by_content=False):
    """A new memo named `name` (unique: one owner each)."""
    made = Memo(name, limit)
    _register(name, made, by_content)
    return made


def cached(name, maxsize):
    """A decorator: the function's results kept by its (hashable) arguments, at most `maxsize`
    (functools.lru_cache) — by content: the arguments are all the result is made of."""

    def wrap(func):
        kept = functools.lru_cache(maxsize=maxsize)(func)
        _register(name, kept, by_content=True)
        return kept

    return wrap


def _register(name, found, by_content):
    if name in _ALL:
        raise ValueError(f"memo {name} exists already")
    _ALL[name] = found
    if by_content:
        _BY_CONTENT.add(name)


def names():
    """The names of every memo, in the order they were made."""
    return list(_ALL)


def size(name):
    """How many entries the memo holds now."""
    found = _ALL[name]
    return len(found) if isinstance(found, Memo) else found.cache_info().currsize


def forget_all(content=False):
    """Drop every value kept for an app (and with `content`, those kept by content too)."""
    for name, found in list(_ALL.items()):
        if name in _BY_CONTENT and not content:
            continue
        if isinstance(found, Memo):
            found.clear()
        else:
            found.cache_clear()
