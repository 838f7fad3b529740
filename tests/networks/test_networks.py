"""Thematic networks (issue 30.3): who is a member (invited by working group, JST kind or
person), what non-members get (404), threads and replies with links and attachments, the
notifications as each member chose, pagination, and query counts that do not grow."""

import io
import re

import pytest

from models import OutboxMessage, User
from models.networks import Network, NetworkMember, NetworkPost
from models.programme import GroupMember, ProgressReport, WorkingGroup
from models.review import Notification
from services import networks, preferences
from tests.conftest import add_member, login, make_jst, make_user, recorded_queries


def _client(app, user):
    client = app.test_client()
    login(client, user)
    return client


def _open(client, name="Finansowanie oświaty"):
    response = client.post("/sieci/nowa", data={"name": name, "description": "Subwencja"})
    assert response.status_code == 302
    return Network.get(Network.name == name)


def _members(network):
    return {m.user_id for m in NetworkMember.select().where(NetworkMember.network == network.id)}


def _thread(client, network, title="Dowozy", body="Jak liczyć koszt?", **extra):
    data = {"title": title, "body": body, **extra}
    return client.post(f"/sieci/{network.id}", data=data, content_type="multipart/form-data")


def test_an_expert_opens_a_network_and_invites_by_group_kind_and_person(app, world):
    powiat = make_jst("Powiat Testowy", kind="powiat")
    starosta_team = add_member(powiat)
    group = WorkingGroup.create(number=1)
    GroupMember.create(jst=world.jst, group=group)
    expert = _client(app, world.expert)
    assert "Sieci tematyczne" in expert.get("/").get_data(as_text=True)  # in the menu
    network = _open(expert)
    assert _members(network) == {world.expert.id}
    url = f"/sieci/{network.id}/czlonkowie"
    page = expert.get(url).get_data(as_text=True)
    assert "Grupa robocza 1 (1 JST)" in page

    assert expert.post(url, data={"how": "group", "value": group.id}).status_code == 302
    assert _members(network) == {world.expert.id, world.participant.id, world.teammate.id}
    assert expert.post(url, data={"how": "kind", "value": "powiat"}).status_code == 302
    assert starosta_team.id in _members(network)
    again = expert.post(url, data={"how": "kind", "value": "powiat"}, follow_redirects=True)
    assert "Nikogo nie dodano" in again.get_data(as_text=True)

    # by person: a search without JavaScript (GET), then a choice among the results (POST)
    name = world.other_participant.full_name
    found = expert.get(url, query_string={"q": name.upper()}).get_data(as_text=True)
    assert f'value="{world.other_participant.id}"' in found and "Gmina Obca" in found
    assert "@example.org" not in found  # names only, never e-mails
    none = expert.post(f"{url}?q={name}", data={"how": "person"})
    assert none.status_code == 422
    assert "Proszę wybrać osobę z listy wyników." in none.get_data(as_text=True)
    chosen = {"how": "person", "value": world.other_participant.id}
    assert expert.post(f"{url}?q={name}", data=chosen).status_code == 302
    assert world.other_participant.id in _members(network)
    # the invited are told, the inviter is not
    told = Notification.select().where(Notification.kind == "network")
    assert world.expert.id not in {n.user_id for n in told}
    assert {n.text for n in told} == {"Zaproszenie do sieci „Finansowanie oświaty”."}

    member = _client(app, world.other_participant)
    listed = member.get("/sieci").get_data(as_text=True)
    assert "Finansowanie oświaty" in listed
    members_page = member.get(url).get_data(as_text=True)
    assert world.participant.full_name in members_page and "@example.org" not in members_page
    assert "Zaproś" not in members_page  # a member does not invite
    assert member.post(url, data={"how": "kind", "value": "powiat"}).status_code == 403


def test_non_members_get_404_the_coordinator_sees_all_and_admins_nothing(app, world):
    expert = _client(app, world.expert)
    network = _open(expert)
    expert.post(
        f"/sieci/{network.id}/czlonkowie", data={"how": "person", "value": world.participant.id}
    )
    _thread(expert, network)
    (post,) = NetworkPost.select()
    paths = [
        f"/sieci/{network.id}",
        f"/sieci/{network.id}/czlonkowie",
        f"/sieci/{network.id}/watki/{post.thread_id}",
    ]
    outsider = _client(app, world.other_participant)
    assert "Finansowanie oświaty" not in outsider.get("/sieci").get_data(as_text=True)
    for user in (world.other_participant, world.teammate, world.other_expert, world.admin):
        client = _client(app, user)
        for path in paths:
            assert client.get(path).status_code == 404, (user.role, path)
        assert _thread(client, network).status_code == 404
    assert _client(app, world.admin).get("/sieci").status_code == 403
    assert _client(app, world.participant).get("/sieci/nowa").status_code == 403
    coordinator = _client(app, world.coordinator)
    assert "Finansowanie oświaty" in coordinator.get("/sieci").get_data(as_text=True)
    for path in paths:
        assert coordinator.get(path).status_code == 200
    assert _client(app, world.participant).get(paths[2]).status_code == 200


def test_threads_and_replies_show_plain_text_with_safe_links(app, world):
    expert = _client(app, world.expert)
    network = _open(expert)
    expert.post(
        f"/sieci/{network.id}/czlonkowie", data={"how": "person", "value": world.participant.id}
    )
    body = "Zobacz https://ore.example.org/a?b=1&c=2 <script>alert(1)</script>"
    response = _thread(expert, network, title="Subwencja 2018", body=body)
    assert response.status_code == 302
    thread_url = response.headers["Location"]
    member = _client(app, world.participant)
    assert "Subwencja 2018" in member.get(f"/sieci/{network.id}").get_data(as_text=True)
    replied = member.post(thread_url, data={"body": "Dziękuję!\nhttp://x.example.org/"})
    assert replied.status_code == 302 and "#wpis-" in replied.headers["Location"]
    page = member.get(thread_url).get_data(as_text=True)
    assert '<a href="https://ore.example.org/a?b=1&amp;c=2" rel="noopener nofollow">' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "Dziękuję!" in page and world.participant.full_name in page
    assert "2 wpisy" in member.get(f"/sieci/{network.id}").get_data(as_text=True)
    empty = member.post(thread_url, data={"body": "  "})
    assert empty.status_code == 422
    assert "Proszę wpisać treść wpisu." in empty.get_data(as_text=True)
    no_title = _thread(member, network, title="")
    assert no_title.status_code == 422
    text = no_title.get_data(as_text=True)
    assert "Proszę wpisać tytuł wątku." in text and "Jak liczyć koszt?" in text  # input kept


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("skrypt.html", b"<html>", "Dozwolone pliki: PDF, DOCX, XLSX, PNG, JPG."),
        ("udaje.pdf", b"MZ\x90\x00", "Zawartość pliku nie zgadza się z jego rozszerzeniem."),
        ("z" * 196 + ".pdf.html", b"%PDF-1.4", "Dozwolone pliki: PDF, DOCX, XLSX, PNG, JPG."),
        ("bomba.docx", b"PK\x03\x04zepsute", "To nie jest poprawny plik .docx"),
    ],
)
def test_an_attachment_goes_through_the_checks_of_every_attachment(app, world, name, data, message):
    expert = _client(app, world.expert)
    network = _open(expert)
    response = _thread(expert, network, attachment=(io.BytesIO(data), name))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert not NetworkPost.select().exists()


def test_an_attachment_is_served_to_members_only_under_its_checked_name(app, world):
    expert = _client(app, world.expert)
    network = _open(expert)
    pdf = (io.BytesIO(b"%PDF-1.4 tabela"), "../../Koszty ucznia.pdf")
    assert _thread(expert, network, attachment=pdf).status_code == 302
    post = NetworkPost.get()
    assert post.attachment_name == "Koszty ucznia.pdf" and post.attachment_size == 15
    page = expert.get(f"/sieci/{network.id}/watki/{post.thread_id}").get_data(as_text=True)
    link = f"/sieci/{network.id}/zalaczniki/{post.id}"
    assert link in page and "Koszty ucznia.pdf" in page
    download = expert.get(link)
    assert download.status_code == 200 and download.data == b"%PDF-1.4 tabela"
    assert download.mimetype == "application/pdf"
    assert "Koszty" in download.headers["Content-Disposition"]
    assert _client(app, world.other_participant).get(link).status_code == 404
    other = Network.create(name="Inna", kind="theme")
    assert (
        expert.get(f"/sieci/{other.id}/zalaczniki/{post.id}").status_code == 404
    )  # coordinator-less


def test_a_post_notifies_the_other_members_as_each_chose_never_the_author(app, world):
    app.config["SMTP_HOST"] = "smtp.example.org"
    expert = _client(app, world.expert)
    network = _open(expert)
    for user in (world.participant, world.teammate, world.other_participant):
        expert.post(f"/sieci/{network.id}/czlonkowie", data={"how": "person", "value": user.id})
    preferences.set_mode(world.teammate, "digest")
    preferences.set_mode(world.other_participant, "app")
    Notification.delete().execute()
    OutboxMessage.delete().execute()

    member = _client(app, world.participant)
    assert _thread(member, network, title="Dotacje").status_code == 302
    told = {n.user_id: n for n in Notification.select()}
    assert set(told) == {world.expert.id, world.teammate.id, world.other_participant.id}
    note = told[world.expert.id]
    assert note.text == "Nowy wątek w sieci „Finansowanie oświaty”: Dotacje"
    assert expert.get(note.url).status_code == 200
    mails = list(OutboxMessage.select())
    assert [m.to for m in mails] == [world.expert.email]  # the digest and in-app ones wait
    assert "/konto/powiadomienia" in mails[0].body and note.url in mails[0].body

    # the digest user gets it in the next day's digest
    from datetime import timedelta

    from models import utcnow

    Notification.update(created_at=utcnow() - timedelta(days=1)).execute()
    OutboxMessage.delete().execute()
    assert preferences.send_digests(app.config, now=utcnow().replace(hour=12)) >= 1
    digest = OutboxMessage.get(OutboxMessage.to == world.teammate.email)
    assert "Nowy wątek w sieci „Finansowanie oświaty”: Dotacje" in digest.body
    assert not OutboxMessage.select().where(OutboxMessage.to == world.participant.email).exists()

    # a reply: the other members again, not its author
    Notification.delete().execute()
    thread_url = note.url.split("?")[0]
    assert expert.post(thread_url, data={"body": "Odpowiedź"}).status_code == 302
    told = {n.user_id for n in Notification.select()}
    assert told == {world.participant.id, world.teammate.id, world.other_participant.id}


def test_threads_and_posts_are_paginated_and_queries_do_not_grow(app, world):
    expert = _client(app, world.expert)
    network = _open(expert)
    expert.post(f"/sieci/{network.id}/czlonkowie", data={"how": "kind", "value": "gmina_wiejska"})
    thread = networks.start_thread(
        network, world.expert, "Pierwszy", "Treść", None, lambda t, p: "/", {}
    )
    for n in range(3):
        networks.reply(
            network, thread, world.participant, f"Odpowiedź {n}", None, lambda t, p: "/", {}
        )
    url = f"/sieci/{network.id}/watki/{thread.id}"
    expert.get(url)  # the per-process memos (menu, prepared queries) filled
    expert.get(f"/sieci/{network.id}")
    with recorded_queries() as few:
        assert expert.get(url).status_code == 200
    with recorded_queries() as few_network:
        assert expert.get(f"/sieci/{network.id}").status_code == 200

    for n in range(45):
        networks.reply(
            network, thread, world.participant, f"Wpis {n:02d}", None, lambda t, p: "/", {}
        )
    for n in range(25):
        networks.start_thread(
            network, world.participant, f"Wątek {n:02d}", "x", None, lambda t, p: "/", {}
        )
    with recorded_queries() as many:
        first = expert.get(url).get_data(as_text=True)
    assert len(many) == len(few)
    with recorded_queries() as many_network:
        front = expert.get(f"/sieci/{network.id}").get_data(as_text=True)
    assert len(many_network) == len(few_network)

    assert "Strona 1 z 3" in first and "Treść" in first and "Wpis 15" in first
    assert "Wpis 16" not in first
    last = expert.get(url, query_string={"strona": 3}).get_data(as_text=True)
    assert "Wpis 44" in last and "Strona 3 z 3" in last
    assert "Strona 1 z 2" in front and "Wątek 24" in front and "Pierwszy" not in front
    assert "Pierwszy" in expert.get(f"/sieci/{network.id}?strona=2").get_data(as_text=True)
    # a reply sends its author to the last page, at the post
    response = expert.post(url, data={"body": "Ostatnie słowo"})
    assert re.search(r"strona=3#wpis-\d+$", response.headers["Location"])
    # a post costs the same number of queries whatever the network's size
    for _ in range(30):
        add_member(make_jst(), make_user())
    expert.post(f"/sieci/{network.id}/czlonkowie", data={"how": "kind", "value": "gmina_wiejska"})
    assert NetworkMember.select().count() > 30
    with recorded_queries() as small:
        networks.reply(
            network, thread, world.expert, "a", None, lambda t, p: "/", {"SMTP_HOST": "x"}
        )
    assert len(small) <= 8


def test_the_coordinator_opens_the_monitoring_network_linking_each_jsts_progress(app, world):
    coordinator = _client(app, world.coordinator)
    assert "Otwórz sieć monitorującą" in coordinator.get("/sieci").get_data(as_text=True)
    response = coordinator.post("/sieci/monitorujaca")
    assert response.status_code == 302
    network = Network.get(Network.kind == "monitoring")
    assert network.name == "Sieć monitorująca wdrażanie planów"
    assert coordinator.post("/sieci/monitorujaca").status_code == 302
    assert Network.select().where(Network.kind == "monitoring").count() == 1
    assert _client(app, world.expert).post("/sieci/monitorujaca").status_code == 403
    url = f"/sieci/{network.id}/czlonkowie"
    coordinator.post(url, data={"how": "kind", "value": "gmina_wiejska"})
    from services.programme import current_period

    period = current_period()
    ProgressReport.create(
        jst=world.other_jst,
        period=period,
        action_uid="a1",
        action_title="Pracownia",
        status="done",
        comment="Otwarta we wrześniu",
    )
    member = _client(app, world.participant)
    page = member.get(f"/sieci/{network.id}").get_data(as_text=True)
    assert "Postęp realizacji planów" in page and "Gmina Obca" in page
    link = f"/sieci/{network.id}/postep/{world.other_jst.id}?polrocze={period}"
    assert link in page.replace("&amp;", "&")
    progress = member.get(link).get_data(as_text=True)
    assert (
        "Pracownia" in progress and "zrealizowane" in progress and "Otwarta we wrześniu" in progress
    )
    outsider_jst = make_jst("Powiat Obcy", kind="powiat")
    assert member.get(f"/sieci/{network.id}/postep/{outsider_jst.id}").status_code == 404
    assert _client(app, world.expert).get(link).status_code == 404  # not a member


def test_the_demo_network_is_seeded_once(app):
    from services import demo

    demo.seed("demo-haslo-123", "pbkdf2:sha256:1")
    demo.seed("demo-haslo-123", "pbkdf2:sha256:1")
    network, monitoring = Network.select().order_by(Network.id)
    assert monitoring.kind == "monitoring" and len(_members(monitoring)) == 5
    threads, _page, _pages, total = networks.threads_page(network, 1)
    assert network.name == "Finansowanie oświaty" and total == 2
    assert len(_members(network)) == 7
    member = app.test_client()
    login(member, User.get(User.email == "uczestnik1@example.org"), "demo-haslo-123")
    listed = member.get("/sieci").get_data(as_text=True)
    assert "7 członków · 2 wątki" in listed and "Sieć monitorująca wdrażanie planów" in listed
