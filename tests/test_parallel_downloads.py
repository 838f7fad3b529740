"""Issue 15.2: parallel downloads of batches no longer break the site. A batch is audited once
before it is built (no write per person while a response streams), a job's file streams without
writing, and a connection that ends a request inside a transaction is dropped, not pooled. Real
gunicorn processes on the test's database (SQLite, or PostgreSQL in CI's second pass)."""

import http.client
import io
import zipfile
from concurrent.futures import ThreadPoolExecutor

import pytest

from models import User, db, release
from tests.batches import start
from tests.conftest import PASSWORD, login, make_user
from tests.documents.conftest import _participant_data
from tests.servers import login as server_login
from tests.servers import server_env, servers


def _get(port, path, cookie=""):
    """(status, body bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def test_parallel_downloads_then_normal_pages(app, client, world, tmp_path):
    for n, member in enumerate((world.participant, world.teammate)):
        _participant_data(member, pesel="", no_pesel=True, email=f"p{n}@example.org")
    login(client, world.coordinator)
    zipped, _page = start(client, "/zadania-w-tle/dokumenty/oswiadczenie/zip")
    merged, _page = start(client, "/zadania-w-tle/dokumenty/oswiadczenie/scalone")
    other = make_user("coordinator")
    env = server_env(app, QUEUE_URL=f"sqlite:///{tmp_path}/queue.sqlite3")
    with servers(env, count=2, threads=4) as started:
        ports = [port for _proc, port in started]
        cookie = server_login(ports[0], world.coordinator.email, PASSWORD)[2]
        paths = [f"/zadania-w-tle/{zipped}/plik", f"/zadania-w-tle/{merged}/plik"] * 10
        paths += ["/login", "/dokumenty", f"/zadania-w-tle/{zipped}"] * 4
        cookies = ["" if path == "/login" else cookie for path in paths]
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(
                pool.map(lambda i: _get(ports[i % 2], paths[i], cookies[i]), range(len(paths)))
            )
        assert [status for status, _body in results] == [200] * len(paths)
        for path, (_status, body) in zip(paths, results, strict=True):
            if path.endswith(f"{zipped}/plik"):
                assert len(zipfile.ZipFile(io.BytesIO(body)).namelist()) == 5
        for port in ports * 5:  # at once, normal pages work
            assert _get(port, "/login")[0] == 200
        for port in ports:
            status, _page, _cookie = server_login(port, other.email, PASSWORD)
            assert status == 302  # logged in (a refused form would be 400 or 422)


@pytest.mark.parametrize("how", ["write", "read"])
def test_a_connection_left_in_a_transaction_is_dropped_not_pooled(app, world, how):
    release()
    db.connect()
    left = db.connection()
    db.execute_sql("BEGIN")
    if how == "write":
        User.update(full_name="Nie zapisano").where(User.id == world.admin.id).execute()
    else:
        User.select().count()
    release()  # the end of a request
    db.connect()
    assert db.connection() is not left
    assert User.get_by_id(world.admin.id).full_name != "Nie zapisano"
    with db.atomic():  # no lock is left behind
        User.update(full_name="Zapisano").where(User.id == world.admin.id).execute()
    assert User.get_by_id(world.admin.id).full_name == "Zapisano"
