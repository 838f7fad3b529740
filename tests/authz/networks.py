"""Thematic networks (issue 30.3): members only (the own JST's participant and expert are
members here), the coordinator sees every network, everyone else — admins included — gets 404."""

from models.networks import NetworkMember
from services import networks

from . import LOGIN_REDIRECT, POST_OK, ROLES, Case, global_


def setup(world):
    network = networks.create(world.expert, "Finansowanie oświaty", "")
    NetworkMember.create(network=network.id, user=world.participant.id)
    thread = networks.start_thread(
        network,
        world.expert,
        "Subwencja",
        "Treść",
        ("a.pdf", "application/pdf", b"%PDF-1.4"),
        lambda t, p: "/",
        {},
    )
    post = networks.posts_page(thread, 1)[0][0]
    monitoring, _opened = networks.open_monitoring(world.coordinator)
    NetworkMember.create(network=monitoring.id, user=world.participant.id)
    return {
        "network": network.id,
        "thread": thread.id,
        "post": post.id,
        "monitoring": monitoring.id,
        "member": world.teammate.id,
    }


def _members(allowed, ok=frozenset({200})):
    """allowed: of "coordinator", "expert_own" (the network's owner), "participant_own" (a
    member); everyone else 404."""
    expect = {role: frozenset({404}) for role in ROLES}
    expect["anon"] = LOGIN_REDIRECT
    for role in allowed:
        expect[role] = frozenset(ok)
    return expect


READ = _members({"coordinator", "expert_own", "participant_own"})
WRITE = _members({"coordinator", "expert_own", "participant_own"}, POST_OK)
INVITE = {**_members({"coordinator", "expert_own"}, POST_OK), "participant_own": {403}}
MONITORING_READ = _members({"coordinator", "participant_own"})

CASES = [
    Case("networks.overview", "/sieci", global_({"participant", "expert", "coordinator"})),
    Case("networks.new", "/sieci/nowa", global_({"expert", "coordinator"})),
    Case(
        "networks.new",
        "/sieci/nowa",
        global_({"expert", "coordinator"}, ok=POST_OK),
        "POST",
        {"name": "Kompetencje cyfrowe"},
    ),
    Case(
        "networks.open_monitoring",
        "/sieci/monitorujaca",
        global_({"coordinator"}, ok={302}),
        "POST",
    ),
    Case("networks.network", "/sieci/{network}", READ),
    Case(
        "networks.start_thread",
        "/sieci/{network}",
        WRITE,
        "POST",
        {"title": "Dotacje", "body": "Pytanie"},
    ),
    Case("networks.thread", "/sieci/{network}/watki/{thread}", READ),
    Case("networks.reply", "/sieci/{network}/watki/{thread}", WRITE, "POST", {"body": "Tak"}),
    Case("networks.attachment", "/sieci/{network}/zalaczniki/{post}", READ),
    Case("networks.members", "/sieci/{network}/czlonkowie", READ),
    Case(
        "networks.invite",
        "/sieci/{network}/czlonkowie",
        INVITE,
        "POST",
        {"how": "kind", "value": "powiat"},
    ),
    Case("networks.remove", "/sieci/{network}/czlonkowie/{member}/usun", INVITE, "POST"),
    Case("networks.progress", "/sieci/{monitoring}/postep/{jst}", MONITORING_READ),
]

FORMS = [
    ("expert_own", "/sieci/nowa"),
    ("participant_own", "/sieci/{network}"),
    ("participant_own", "/sieci/{network}/watki/{thread}"),
    ("expert_own", "/sieci/{network}/czlonkowie"),
]
