"""Issue 27.4: the demo (`make run`, SQLite, the default address http://127.0.0.1:5000) prints
certificates; a production configuration (PostgreSQL, or secure cookies) that never set BASE_URL
refuses — and the certificates page says so before anyone clicks."""

from datetime import date

import pytest

from config import Defaults
from models.programme import Attendance, Module
from models.surveys import Certificate
from tests.conftest import login

REFUSED = "Zaświadczeń nie można jeszcze wydrukować: nie ustawiono publicznego adresu aplikacji"


@pytest.fixture
def certificate(app, world):
    app.config["BASE_URL"] = Defaults.BASE_URL
    module = Module.create(number=1, start_date=date(2017, 4, 5), end_date=date(2017, 4, 7))
    for day in (1, 2, 3):
        Attendance.create(module=module, user=world.participant, day=day)
    return Certificate.create(
        user=world.participant,
        number="ZAS/2017/1",
        code="k" * 32,
        full_name=world.participant.full_name,
        programme="Pilotaż",
        issued_on=date(2017, 11, 17),
    )


def test_the_demo_prints_with_the_default_address(app, client, world, certificate):
    """On SQLite (the demo) it prints; the same suite on PostgreSQL is a production install, which
    refuses — each database checks what it is."""
    login(client, world.coordinator)
    page = client.get("/zaswiadczenia").get_data(as_text=True)
    response = client.get(f"/zaswiadczenia/{certificate.id}.docx")
    if app.config["DATABASE_URL"].startswith("postgres"):
        assert page.count(REFUSED) == 1
        assert response.status_code == 302 and response.location.endswith("/zaswiadczenia")
        return
    assert REFUSED not in page
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")


def test_production_without_an_address_says_so_before_the_click(app, client, world, certificate):
    app.config["SESSION_COOKIE_SECURE"] = True  # served over HTTPS: a production install
    login(client, world.coordinator)
    page = client.get("/zaswiadczenia", base_url="https://localhost").get_data(as_text=True)
    assert page.count(REFUSED) == 1  # on the page, once, before any download is tried
    response = client.get(f"/zaswiadczenia/{certificate.id}.docx", base_url="https://localhost")
    assert response.status_code == 302 and response.location.endswith("/zaswiadczenia")


def test_each_demo_module_is_21_hours_as_the_certificate_counts_them(app):
    from datetime import datetime

    from lib import grammar
    from models.programme import ModuleSession
    from services import demo

    demo.seed("demo-haslo-123", "pbkdf2:sha256:1")
    minutes = {}
    for s in ModuleSession.select():
        start, end = (datetime.strptime(t, "%H:%M") for t in (s.start, s.end))
        minutes[s.module_id] = minutes.get(s.module_id, 0) + (end - start).seconds // 60
    assert len(minutes) == 5
    assert set(minutes.values()) == {21 * 45}  # teaching hours of 45 minutes (seed: ~21 h)
    assert grammar.teaching_hours_pl(21 * 45).startswith("21 ")
