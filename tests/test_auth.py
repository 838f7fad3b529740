"""Signing in and out, throttling, set-password links, password changes, sessions."""

from datetime import timedelta

from models import AuditLog, LoginAttempt, PasswordToken, UserSession, utcnow
from services import accounts
from tests.conftest import CHEAP_HASH, PASSWORD, csrf_token, login, make_user

BAD = "Nieprawidłowy adres e-mail lub hasło."


def _post_login(client, email, password):
    return client.post("/login", data={"email": email, "password": password})


def test_login_and_logout(client):
    user = make_user("coordinator", email="Ktos@Example.org")
    response = _post_login(client, "  KTOS@example.ORG ", PASSWORD)  # e-mail case-insensitive
    assert response.status_code == 302
    assert client.get("/konto").status_code == 200
    assert client.get("/logout").status_code == 405  # logout is a POST
    assert client.post("/logout").status_code == 302
    assert client.get("/konto").status_code == 302
    assert (
        AuditLog.select().where((AuditLog.action == "login") & (AuditLog.actor == user.id)).exists()
    )


def test_unknown_email_and_wrong_password_look_the_same(client):
    make_user(email="znany@example.org")
    first = _post_login(client, "nieznany@example.org", PASSWORD).get_data(as_text=True)
    second = _post_login(client, "znany@example.org", "zle-haslo-123").get_data(as_text=True)
    assert BAD in first and BAD in second


def test_inactive_account_cannot_log_in(client):
    user = make_user(active=False)
    assert BAD in _post_login(client, user.email, PASSWORD).get_data(as_text=True)


def test_five_failures_lock_the_account_from_that_address_until_the_window_passes(client):
    user = make_user()
    for _ in range(5):
        _post_login(client, user.email, "zle-haslo-123")
    page = _post_login(client, user.email, PASSWORD).get_data(as_text=True)
    assert "Zbyt wiele nieudanych prób logowania" in page
    LoginAttempt.update(at=utcnow() - timedelta(minutes=16)).execute()
    assert _post_login(client, user.email, PASSWORD).status_code == 302
    assert not LoginAttempt.select().where(LoginAttempt.email == user.email).exists()


def test_thirty_failures_from_one_address_lock_it(client):
    for n in range(30):
        _post_login(client, f"osoba{n}@example.org", "zle-haslo-123")
    user = make_user()
    assert "Zbyt wiele" in _post_login(client, user.email, PASSWORD).get_data(as_text=True)
    other = client.application.test_client()
    response = other.post(
        "/login",
        data={"email": user.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert response.status_code == 302  # another address is not affected


def test_set_password_link_is_one_time_and_expires(client, app):
    user = make_user(password=None)
    with app.test_request_context():
        token = accounts.issue_password_link(user, None, "", app.config)
    page = client.get(f"/haslo/ustaw/{token}")
    assert page.status_code == 200
    short = client.post(f"/haslo/ustaw/{token}", data={"password": "krotkie", "confirm": "krotkie"})
    assert short.status_code == 422
    response = client.post(
        f"/haslo/ustaw/{token}", data={"password": "nowe-haslo-123", "confirm": "nowe-haslo-123"}
    )
    assert response.status_code == 302
    assert client.get(f"/haslo/ustaw/{token}").status_code == 404
    client.post("/logout")
    assert _post_login(client, user.email, "nowe-haslo-123").status_code == 302
    with app.test_request_context():
        token = accounts.issue_password_link(user, None, "", app.config)
    PasswordToken.update(expires_at=utcnow() - timedelta(minutes=1)).execute()
    assert client.get(f"/haslo/ustaw/{token}").status_code == 404


def test_changing_the_password_ends_other_sessions(app):
    user = make_user()
    first, second = app.test_client(), app.test_client()
    login(first, user)
    login(second, user)
    response = first.post(
        "/konto/haslo",
        data={"current": PASSWORD, "password": "zmienione-haslo-1", "confirm": "zmienione-haslo-1"},
    )
    assert response.status_code in (200, 302)
    assert second.get("/konto").status_code == 302
    assert first.get("/konto").status_code == 200


def test_idle_and_absolute_timeouts(client):
    user = make_user()
    login(client, user)
    UserSession.update(last_seen_at=utcnow() - timedelta(minutes=61)).execute()
    assert client.get("/konto").status_code == 302
    login(client, user)
    UserSession.update(created_at=utcnow() - timedelta(hours=13)).execute()
    assert client.get("/konto").status_code == 302


def test_login_rotates_the_session_and_an_old_cookie_dies_at_logout(app):
    user = make_user()
    client = app.test_client()
    client.get("/login")
    before = client.get_cookie("planjst_sid")
    login(client, user)
    after = client.get_cookie("planjst_sid")
    assert after is not None and (before is None or before.value != after.value)
    copy = app.test_client()
    copy.set_cookie("planjst_sid", after.value, domain="localhost")
    assert copy.get("/konto").status_code == 200
    client.post("/logout")
    assert copy.get("/konto").status_code == 302


def test_logout_everywhere_keeps_this_session(app):
    user = make_user()
    here, there = app.test_client(), app.test_client()
    login(here, user)
    login(there, user)
    assert here.post("/konto/wyloguj-wszedzie").status_code == 302
    assert here.get("/konto").status_code == 200
    assert there.get("/konto").status_code == 302


def test_missing_csrf_token_gets_a_polish_page(csrf_app):
    client = csrf_app.test_client()
    response = client.post("/login", data={"email": "a@example.org", "password": "x"})
    assert response.status_code == 400
    assert "Formularz wygasł" in response.get_data(as_text=True)
    token = csrf_token(client, "/login")
    user = make_user()
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_every_post_route_refuses_a_missing_csrf_token(csrf_app):
    """CSRF is checked once, app-wide (CSRFProtect), before any view runs: no view may skip it."""
    import re

    client = csrf_app.test_client()
    token = csrf_token(client, "/login")
    user = make_user("coordinator")
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    checked = 0
    for rule in csrf_app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        path = re.sub(r"<any\(([^,)]+)[^>]*>", r"\1", rule.rule)  # the first choice
        path = re.sub(r"<(?:int:)?[^>]+>", "1", path)
        response = client.post(path, data={"x": "1"})
        assert response.status_code == 400, f"{rule.rule}: {response.status_code}"
        checked += 1
    assert checked > 40


def test_passwords_are_hashed_at_production_cost(app):
    user = accounts.create_user("koszt@example.org", "Koszt", "participant", CHEAP_HASH)
    accounts.set_password(user, "haslo-produkcyjne-1", app.config.__class__ and "scrypt:32768:8:1")
    assert user.password_hash.startswith("scrypt:32768:8:1$")
    assert "haslo-produkcyjne-1" not in user.password_hash
