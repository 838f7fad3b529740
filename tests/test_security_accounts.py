"""Audit findings on accounts and uploads: login timing (hash computations), the forgot-password
throttle and the outbox, the stored attachment name."""

import io
import re
from collections import Counter
from datetime import date, timedelta

import pytest

from app import create_app
from models import AuditLog, PasswordLinkRequest, db, utcnow
from models.mail import OutboxMessage
from models.programme import Attachment, Module, Task
from services import accounts, mail, programme
from tests.conftest import CHEAP_HASH, PASSWORD, login, make_user

BAD = "Nieprawidłowy adres e-mail lub hasło."
SENT = "Jeśli konto z tym adresem istnieje, wysłaliśmy na nie link do ustawienia hasła."


# ---------- login timing ----------


def test_known_and_unknown_emails_cost_the_same_hash_computations(app, app_config, monkeypatch):
    """An unknown e-mail computed a fresh dummy hash on every login (twice the time of a known
    one). Counted, not timed: every login computes one check and no new hash — from the first
    login of a freshly started app on."""
    monkeypatch.setattr(accounts, "_DUMMY_HASH", {})
    fresh = create_app(dict(app_config))
    db.connect(reuse_if_open=True)
    make_user(email="znany@example.org")
    make_user(email="bez-hasla@example.org", password=None)
    make_user(email="nieaktywny@example.org", active=False)
    calls = Counter()

    def counted(name, func):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return func(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(
        accounts, "generate_password_hash", counted("generate", accounts.generate_password_hash)
    )
    monkeypatch.setattr(
        accounts, "check_password_hash", counted("check", accounts.check_password_hash)
    )
    client = fresh.test_client()
    costs = {}
    for email in (
        "nieznany@example.org",  # the first login after start-up
        "znany@example.org",
        "nieznany2@example.org",
        "bez-hasla@example.org",
        "nieaktywny@example.org",
        "nieznany3@example.org",
    ):
        calls.clear()
        response = client.post("/login", data={"email": email, "password": "zle-haslo-123"})
        assert BAD in response.get_data(as_text=True)
        costs[email] = dict(calls)
    assert all(cost == {"check": 1} for cost in costs.values()), costs
    assert accounts.dummy_hash(CHEAP_HASH).startswith(CHEAP_HASH.split(":")[0])


# ---------- forgot password ----------


@pytest.fixture
def mailing(app):
    app.config["SMTP_HOST"] = "smtp.example.org"  # mail goes to the outbox
    return app


def _forgot(app, email, address="10.0.0.1"):
    client = app.test_client()
    response = client.post(
        "/haslo/nie-pamietam",
        data={"email": email},
        environ_base={"REMOTE_ADDR": address},
        follow_redirects=True,
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _mails_to(email):
    return OutboxMessage.select().where(OutboxMessage.to == email).count()


def test_forgot_password_sends_a_few_links_per_account_and_answers_the_same(mailing):
    """41 requests queued 42 e-mails to one user. Now: 3 links per account per hour, whatever
    the address; the page says the same every time, throttled or not, known or not."""
    user = make_user(email="osoba@example.org")
    pages = [_forgot(mailing, "Osoba@Example.org", f"10.0.1.{n}") for n in range(8)]
    pages.append(_forgot(mailing, "nikt@example.org", "10.0.2.1"))
    assert all(SENT in page for page in pages)
    assert {re.sub(r'name="csrf_token"[^>]*', "", page) for page in pages[1:]} == {
        re.sub(r'name="csrf_token"[^>]*', "", pages[0])
    }
    assert _mails_to(user.email) == 3
    assert AuditLog.select().where(AuditLog.action == "password_link_throttled").count() == 5
    # the last link sent still works: a throttled request does not end it
    token = _tokens(mailing)[-1]
    assert "Ustaw hasło" in mailing.test_client().get(f"/haslo/ustaw/{token}").get_data(True)
    PasswordLinkRequest.update(at=utcnow() - timedelta(minutes=61)).execute()
    _forgot(mailing, user.email, "10.0.1.1")
    assert _mails_to(user.email) == 4  # the window has passed


def test_forgot_password_throttles_an_address(mailing):
    """One address may ask 10 times an hour (any e-mail, known or not); another address is not
    affected."""
    user = make_user(email="osoba@example.org")
    for n in range(10):
        _forgot(mailing, f"ktos{n}@example.org", "10.0.0.7")
    assert SENT in _forgot(mailing, user.email, "10.0.0.7")
    assert _mails_to(user.email) == 0
    _forgot(mailing, user.email, "10.0.0.8")
    assert _mails_to(user.email) == 1


def _tokens(app):
    """The set-password tokens in the messages the worker sends."""
    sent = []
    assert mail.send_pending(app.config, send=sent.append)[1] == 0
    return [re.search(r"/haslo/ustaw/(\S+)", m.get_content()).group(1) for m in sent]


def test_the_outbox_keeps_no_usable_link_once_sent(mailing):
    """The outbox kept valid set-password links in clear text. A sent message keeps its
    recipient and subject, not its body; so does one the worker gave up on."""
    user = make_user(email="osoba@example.org")
    _forgot(mailing, user.email)
    [token] = _tokens(mailing)
    assert mailing.test_client().get(f"/haslo/ustaw/{token}").status_code == 200
    [row] = OutboxMessage.select()
    assert row.to == user.email and row.sent_at is not None
    assert token not in row.body and "/haslo/ustaw/" not in row.body

    _forgot(mailing, "osoba@example.org", "10.0.0.2")

    def refuse(_message):
        raise OSError("serwer pocztowy nie odpowiada")

    for _ in range(mail.MAX_ATTEMPTS):
        mail.send_pending(mailing.config, send=refuse)
    given_up = OutboxMessage.get(OutboxMessage.sent_at.is_null())
    assert given_up.attempts == mail.MAX_ATTEMPTS and "/haslo/ustaw/" not in given_up.body


# ---------- attachment names ----------


def test_a_long_attachment_name_is_checked_as_it_is_stored(app, world):
    """ "x"*195 + ".html.pdf" passed the check (it ends in .pdf) and was stored cut at 200
    characters, as "xxx….html", and served under that name."""
    module = Module.create(number=1, start_date=date(2017, 4, 5), end_date=date(2017, 4, 7))
    task = Task.create(module=module, title="Zadanie")
    programme.save_report(task, world.jst, "Sprawozdanie")
    team = app.test_client()
    login(team, world.participant, PASSWORD)
    name = "x" * 195 + ".html.pdf"
    page = team.post(
        f"/jst/{world.jst.id}/zadania/{task.id}/zalaczniki",
        data={"file": (io.BytesIO(b"%PDF-1.4 raport"), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Dodano załącznik" in page
    attachment = Attachment.get()
    assert len(attachment.filename) == 200 and attachment.filename.endswith(".pdf")
    response = team.get(f"/jst/{world.jst.id}/zalaczniki/{attachment.id}")
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.endswith('.pdf"') or disposition.endswith(".pdf")
    assert ".html" not in disposition.replace(".html.", "")


@pytest.mark.parametrize(
    "name",
    [
        "x" * 196 + ".pdf.html",
        "x" * 300 + ".exe",
        "raport." + "p" * 300,  # an extension longer than the name: cut, and refused
    ],
)
def test_a_long_name_with_a_forbidden_extension_is_refused(app, world, name):
    module = Module.create(number=1, start_date=date(2017, 4, 5), end_date=date(2017, 4, 7))
    task = Task.create(module=module, title="Zadanie")
    row = programme.save_report(task, world.jst, "Sprawozdanie")
    with pytest.raises(programme.AttachmentRefused, match="Dozwolone pliki"):
        programme.add_attachment(row, name, b"%PDF-1.4 raport")
    assert not Attachment.select().exists()


def test_the_accounts_list_searches_and_pages_in_the_database(client):
    """/uzytkownicy: the name ignores case and Polish characters, the e-mail matches too, the
    role filters, and a page holds 50 (issue 29.5: cut in SQL, not by loading every account)."""
    for i in range(55):
        make_user("participant", email=f"seria{i:02}@example.org", name=f"Łucja Seryjna {i:02}")
    make_user("expert", email="inna@example.org", name="Żaneta Ekspercka")
    login(client, make_user("coordinator"))
    page = client.get("/uzytkownicy?q=LUCJA+seryjna").get_data(as_text=True)
    assert "Łucja Seryjna 00" in page and "Łucja Seryjna 49" in page
    assert "Łucja Seryjna 50" not in page and "Strona 1 z 2" in page
    page = client.get("/uzytkownicy?q=lucja+seryjna&strona=2").get_data(as_text=True)
    assert "Łucja Seryjna 54" in page and "Łucja Seryjna 00" not in page
    page = client.get("/uzytkownicy?q=inna%40example").get_data(as_text=True)
    assert "Żaneta Ekspercka" in page and "Łucja" not in page
    page = client.get("/uzytkownicy?q=seryjna&rola=expert").get_data(as_text=True)
    assert "Łucja" not in page
