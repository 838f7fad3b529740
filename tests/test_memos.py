"""Per-process state has one home (lib.memos): every memo is made there, and a new app forgets
what was kept for another one (another database in the same process)."""

from datetime import date

from app import create_app
from lib import formatting, memos
from tests.conftest import login, make_user

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
