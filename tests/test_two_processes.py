"""Two app processes on one database behave as one: no session, throttling or login state in
process memory (on PostgreSQL in CI's second pass, on SQLite in the first)."""

import pytest

from tests.conftest import PASSWORD, make_user
from tests.servers import CSRF, login, request, server_env, servers


@pytest.fixture
def two_servers(app):
    with servers(server_env(app)) as started:
        yield [port for _proc, port in started]


def test_login_logout_and_throttling_hold_across_processes(two_servers):
    a, b = two_servers
    user = make_user("coordinator")
    status, _page, cookie = login(a, user.email, PASSWORD)
    assert status == 302
    assert request(b, "GET", "/konto", cookie)[0] == 200  # logged in on A, works on B
    _s, page, _c = request(b, "GET", "/konto", cookie)
    token = CSRF.search(page).group(1)
    assert request(a, "POST", "/logout", cookie, f"csrf_token={token}")[0] == 302
    assert request(b, "GET", "/konto", cookie)[0] == 302  # logged out on A, out on B
    for _ in range(5):
        login(a, user.email, "zle-haslo-123")
    status, page, _c = login(b, user.email, PASSWORD)
    assert status == 422 and "Zbyt wiele nieudanych prób logowania" in page
