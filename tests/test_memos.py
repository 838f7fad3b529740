"""Per-process state has one home (lib.memos): every memo is made there, and a new app forgets
what was kept for another one (another database in the same process). What services.kept keeps
is read-only, tagged with Warsaw's date, and never kept from inside a transaction."""

from datetime import date

import pytest

from app import create_app
from lib import formatting, memos
from models import Jst, write_tx
from services import kept
from tests.conftest import login, make_jst, make_user

MEMOS = {
    "accounts.dummy_hash",
    "board.statements",
    "chrome.menu_entries",
    "chrome.menus",
    "chrome.plain_urls",
    "chrome.urls",
    "documents.compiled",
    "documents.pictures",
    "documents.template_parts",
    "formatting.dates",
    "kept.values",
    "models.prepared",
    "settings.logo",
}
BY_CONTENT = {
    "accounts.dummy_hash",
    "documents.compiled",
    "documents.pictures",
    "documents.template_parts",
    "formatting.dates",
    "settings.logo",
}


def test_every_memo_is_made_in_one_place(app):
    assert set(memos.names()) == MEMOS


def test_a_new_app_forgets_what_was_kept_for_another(app, app_config, client):
    login(client, make_user("coordinator"))
    assert client.get("/przeglad").status_code == 200  # the board: statements, chrome, kept
    formatting.date_pl(date(2017, 4, 5))
    kept_for_app = {name for name in MEMOS - BY_CONTENT if memos.size(name)}
    assert {"board.statements", "chrome.urls", "chrome.menus", "kept.values"} <= kept_for_app

    create_app(dict(app_config))

    assert not [name for name in MEMOS - BY_CONTENT if memos.size(name)]
    assert memos.size("formatting.dates")  # a date is formatted the same for any app
    memos.forget_all(content=True)
    assert not [name for name in MEMOS if memos.size(name)]


def test_a_memo_drops_its_oldest_entry_beyond_its_limit():
    memo = memos.Memo("test.bounded", 2)
    for n in range(3):
        memo[n] = n
    assert list(memo) == [1, 2]


def _counting(builds):
    def build():
        builds.append(1)
        return [Jst.select().count()]

    return build


def test_nothing_is_kept_inside_a_write_transaction(app):
    """On PostgreSQL the data version moves only at the commit: a value built inside the
    transaction, from its own uncommitted writes, would be kept under the old version."""
    make_jst()
    builds = []
    with write_tx() as transaction:
        make_jst()
        assert kept.kept(("jst-count",), _counting(builds)) == [2]  # its own write
        assert not memos.size("kept.values")  # not kept
        transaction.rollback()
    assert kept.kept(("jst-count",), _counting(builds)) == (1,)
    assert kept.kept(("jst-count",), _counting(builds)) == (1,)  # kept now
    assert len(builds) == 2


def test_a_kept_value_is_read_only(app):
    value = kept.kept(("shape",), lambda: {"rows": [[1, 2]], "names": {"a"}})
    assert value["rows"] == ((1, 2),)
    with pytest.raises(TypeError):
        value["rows"] = []
    assert kept.kept(("shape",), lambda: None) is value


def test_a_kept_value_lasts_one_day_in_warsaw(app, monkeypatch):
    builds = []
    monkeypatch.setattr(kept, "today_local", lambda: date(2026, 12, 31))
    kept.kept(("jst-count",), _counting(builds))
    kept.kept(("jst-count",), _counting(builds))
    monkeypatch.setattr(kept, "today_local", lambda: date(2027, 1, 1))
    kept.kept(("jst-count",), _counting(builds))
    assert len(builds) == 2
