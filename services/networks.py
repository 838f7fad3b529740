"""Thematic networks (issue 30.3; seed: "sieci tematyczne"): an expert or coordinator opens a
network on a theme and invites people of any JSTs — a working group's teams, the teams of one JST
kind, or one person; members start threads and reply (plain text, an optional attachment with
the checks of every attachment). After the pilot the coordinator opens the network monitoring
how the plans are carried out; its page links each member JST's half-year progress.

Members see only names of one another (and their JST), never contacts. Every list is one query
cut in SQL, and a post reaches the other members in two INSERT … SELECT statements (in-app
notification for all, an e-mail at once for those who want it; the daily digest reads the
notifications, services.preferences), so the cost of a post does not grow with the network."""

from peewee import JOIN, Value, fn

from lib.text import fold
from models import Jst, TeamMembership, User, utcnow, write_tx
from models.mail import OutboxMessage
from models.networks import Network, NetworkMember, NetworkPost, NetworkThread
from models.programme import GroupMember, ProgressReport, WorkingGroup
from models.review import Notification

from . import announcements, mail, preferences

THREADS_PER_PAGE = 20
POSTS_PER_PAGE = 20
MEMBERS_PER_PAGE = 50
MAX_BODY = 10_000
MONITORING_NAME = "Sieć monitorująca wdrażanie planów"
MONITORING_DESCRIPTION = (
    "Sieć JST po pilotażu: jak przebiega realizacja planów, co się udaje, co jest zagrożone. "
    "Przy każdej JST sieci jest jej sprawozdanie z postępu w półroczu."
)
INVITABLE_ROLES = ("participant", "expert")


def pages_for(total, per_page):
    return max((total + per_page - 1) // per_page, 1)


def page_in(page, total, per_page):
    """The page asked for, the last one when past the end, the first when none."""
    return min(max(page or 1, 1), pages_for(total, per_page))


# ---------- networks and members ----------


def get(network_id):
    return Network.get_or_none(Network.id == network_id)


def networks_for(user, everything=False):
    """[(network, members, threads)] of the networks `user` belongs to (all of them when
    `everything`: the coordinator) — one query, newest first."""
    members = (
        NetworkMember.select(fn.COUNT(NetworkMember.id))
        .where(NetworkMember.network == Network.id)
        .alias("members")
    )
    threads = (
        NetworkThread.select(fn.COUNT(NetworkThread.id))
        .where(NetworkThread.network == Network.id)
        .alias("threads")
    )
    query = Network.select(Network, members, threads).order_by(Network.id.desc())
    if not everything:
        query = query.where(
            fn.EXISTS(
                NetworkMember.select(NetworkMember.id).where(
                    (NetworkMember.network == Network.id) & (NetworkMember.user == user.id)
                )
            )
        )
    return [(n, n.members, n.threads) for n in query]


def create(author, name, description, kind="theme"):
    """The network, with its author as its first member."""
    with write_tx():
        network = Network.create(
            name=name, description=description, kind=kind, created_by=author.id
        )
        NetworkMember.create(network=network.id, user=author.id)
    return network


def monitoring():
    return Network.get_or_none(Network.kind == "monitoring")


def open_monitoring(author):
    """(the monitoring network, whether it was opened now): there is one."""
    existing = monitoring()
    if existing is not None:
        return existing, False
    return create(author, MONITORING_NAME, MONITORING_DESCRIPTION, "monitoring"), True


def invitees(how, value):
    """A query of the users `how` ("group": a working group's number, "kind": a JST kind,
    "person": a user id) names, or None for a value that names nothing."""
    if how == "group":
        group = WorkingGroup.get_or_none(WorkingGroup.id == value)
        if group is None:
            return None
        return (
            announcements.recipients("participants", None)
            .join(GroupMember, on=GroupMember.jst == Jst.id)
            .where(GroupMember.group == group.id)
        )
    if how == "kind":
        return announcements.recipients("kind", value)
    if how == "person":
        return User.select().where(
            (User.id == value) & User.active & User.role.in_(INVITABLE_ROLES)
        )
    return None


def invite(network, how, value, url, config):
    """Add who `how`/`value` names (invitees) to the network; those added now are told (in-app,
    by e-mail as they chose). Returns the number added — in a fixed number of queries."""
    query = invitees(how, value)
    if query is None:
        return 0
    now = utcnow()
    with write_tx():
        added = (
            NetworkMember.insert_from(
                query.select(Value(network.id), User.id, Value(now)).distinct(),
                [NetworkMember.network, NetworkMember.user, NetworkMember.added_at],
            )
            .on_conflict_ignore()
            .as_rowcount()
            .execute()
        )
        if added:
            new = (NetworkMember.network == network.id) & (NetworkMember.added_at == now)
            _tell(new, f"Zaproszenie do sieci „{network.name}”.", url, config, now)
    return added


def remove_member(network, user_id):
    with write_tx():
        return (
            NetworkMember.delete()
            .where((NetworkMember.network == network.id) & (NetworkMember.user == user_id))
            .execute()
        )


def _with_jsts(rows):
    """[(user id, name, role, JST name or "")] of [(user id, name, role)]: the JST of each team
    member (one query for the page's people, not a grouping of every team)."""
    ids = [user_id for user_id, _n, _r in rows]
    jsts = (
        dict(
            TeamMembership.select(TeamMembership.user, Jst.name)
            .join(Jst)
            .where(TeamMembership.user.in_(ids) & TeamMembership.left_at.is_null())
            .order_by(Jst.name.desc())  # one JST per person: the first by name wins
            .tuples()
        )
        if ids
        else {}
    )
    return [(user_id, name, role, jsts.get(user_id, "")) for user_id, name, role in rows]


def members_page(network, page):
    """([(user id, name, role, JST name or "")], page, pages, total) — names only, no contacts;
    three queries."""
    where = NetworkMember.network == network.id
    total = NetworkMember.select().where(where).count()
    page = page_in(page, total, MEMBERS_PER_PAGE)
    rows = (
        NetworkMember.select(User.id, User.full_name, User.role)
        .join(User)
        .where(where)
        .order_by(User.name_key, User.id)
        .paginate(page, MEMBERS_PER_PAGE)
        .tuples()
    )
    return _with_jsts(list(rows)), page, pages_for(total, MEMBERS_PER_PAGE), total


def people(q, limit=20):
    """[(user id, name, role, JST name or "")] of participants and experts whose name holds
    `q` (without case and diacritics) — for the invitation by person; two queries."""
    key = fold(q)
    if len(key) < 2:
        return []
    rows = (
        User.select(User.id, User.full_name, User.role)
        .where(User.active & User.role.in_(INVITABLE_ROLES) & User.name_key.contains(key))
        .order_by(User.name_key, User.id)
        .limit(limit)
        .tuples()
    )
    return _with_jsts(list(rows))


def working_groups():
    """[(group id, number, JSTs in it)] — one query."""
    return list(
        WorkingGroup.select(WorkingGroup.id, WorkingGroup.number, fn.COUNT(GroupMember.id))
        .join(GroupMember, JOIN.LEFT_OUTER)
        .group_by(WorkingGroup.id, WorkingGroup.number)
        .order_by(WorkingGroup.number)
        .tuples()
    )


# ---------- threads and posts ----------


def threads_page(network, page):
    """([thread with .author_name], page, pages, total), the latest activity first."""
    where = NetworkThread.network == network.id
    total = NetworkThread.select().where(where).count()
    page = page_in(page, total, THREADS_PER_PAGE)
    rows = list(
        NetworkThread.select(NetworkThread, User.full_name.alias("author_name"))
        .join(User, JOIN.LEFT_OUTER, on=NetworkThread.author == User.id)
        .where(where)
        .order_by(NetworkThread.last_post_at.desc(), NetworkThread.id.desc())
        .paginate(page, THREADS_PER_PAGE)
        .objects()
    )
    return rows, page, pages_for(total, THREADS_PER_PAGE), total


def get_thread(network, thread_id):
    return NetworkThread.get_or_none(
        (NetworkThread.id == thread_id) & (NetworkThread.network == network.id)
    )


def posts_page(thread, page):
    """([post with .author_name, without the file], page, pages) — one query (the thread
    counts its posts)."""
    total = thread.posts
    page = page_in(page, total, POSTS_PER_PAGE)
    rows = list(
        NetworkPost.select(
            NetworkPost.id,
            NetworkPost.body,
            NetworkPost.created_at,
            NetworkPost.attachment_name,
            NetworkPost.attachment_size,
            User.full_name.alias("author_name"),
        )
        .join(User, JOIN.LEFT_OUTER, on=NetworkPost.author == User.id)
        .where(NetworkPost.thread == thread.id)
        .order_by(NetworkPost.id)
        .paginate(page, POSTS_PER_PAGE)
        .objects()
    )
    return rows, page, pages_for(total, POSTS_PER_PAGE)


def last_page(thread):
    return pages_for(thread.posts, POSTS_PER_PAGE)


def _post(thread, author, body, attachment, now):
    name, content_type, data = attachment or ("", "", None)
    return NetworkPost.create(
        thread=thread.id,
        author=author.id,
        body=body,
        created_at=now,
        attachment_name=name,  # programme.check_attachment's stored name
        attachment_type=content_type,
        attachment_size=len(data) if data is not None else 0,
        attachment_data=data,
    )


def start_thread(network, author, title, body, attachment, url_of, config):
    """The thread and its first post; the other members are told. `url_of(thread, page)` is the
    thread's address (the view builds it)."""
    now = utcnow()
    with write_tx():
        thread = NetworkThread.create(
            network=network.id, title=title, author=author.id, created_at=now, last_post_at=now
        )
        _post(thread, author, body, attachment, now)
        _tell_members(
            network,
            author,
            f"Nowy wątek w sieci „{network.name}”: {title}",
            url_of(thread, 1),
            config,
            now,
        )
    return thread


def reply(network, thread, author, body, attachment, url_of, config):
    """The reply, the thread's activity and count moved on, the other members told; returns
    the post."""
    now = utcnow()
    with write_tx():
        post = _post(thread, author, body, attachment, now)
        NetworkThread.update(last_post_at=now, posts=NetworkThread.posts + 1).where(
            NetworkThread.id == thread.id
        ).execute()
        thread.posts += 1
        _tell_members(
            network,
            author,
            f"Nowa odpowiedź w sieci „{network.name}”: {thread.title}",
            url_of(thread, last_page(thread)),
            config,
            now,
        )
    return post


def _tell_members(network, author, text, url, config, now):
    who = (NetworkMember.network == network.id) & (NetworkMember.user != author.id)
    _tell(who, text, url, config, now)


def _tell(members, text, url, config, now):
    """A notification for each NetworkMember matching `members`, and an e-mail now to those of
    them who want e-mail at once (the digest reads the notifications) — two statements."""
    text = text[:300]
    Notification.insert_for(
        NetworkMember.select(NetworkMember.user).where(members), "network", text, url[:300], now
    )
    if not mail.enabled(config):
        return
    base = config.get("BASE_URL", "").rstrip("/")
    body = f"Dzień dobry,\n\n{text}\n\nSzczegóły: {base}{url}\n" + preferences.footer(config)
    OutboxMessage.queue_from(
        NetworkMember.select(User.email)
        .join(User)
        .where(members & User.active & ~preferences.not_immediate(User.id)),
        f"Plan JST: {text}"[:200],
        body,
        now,
    )


def attachment(network, post_id):
    """The post of this network with its file, or None."""
    return (
        NetworkPost.select()
        .join(NetworkThread)
        .where(
            (NetworkPost.id == post_id)
            & (NetworkThread.network == network.id)
            & NetworkPost.attachment_data.is_null(False)
        )
        .first()
    )


# ---------- the monitoring network ----------


def member_jsts(network):
    """A query of the ids of the JSTs whose current team members belong to the network."""
    return (
        TeamMembership.select(TeamMembership.jst)
        .join(NetworkMember, on=NetworkMember.user == TeamMembership.user)
        .where((NetworkMember.network == network.id) & TeamMembership.left_at.is_null())
    )


def progress_overview(network, period):
    """[(JST id, name, {status: actions})] of the network's JSTs in `period` — two queries."""
    jsts = list(
        Jst.select(Jst.id, Jst.name)
        .where(Jst.id.in_(member_jsts(network)) & (Jst.status == "active"))
        .order_by(Jst.name_sort)
        .tuples()
    )
    counts = {}
    reported = fn.COUNT(ProgressReport.id)
    for jst_id, status, n in (
        ProgressReport.select(ProgressReport.jst, ProgressReport.status, reported)
        .where((ProgressReport.period == period) & ProgressReport.jst.in_(member_jsts(network)))
        .group_by(ProgressReport.jst, ProgressReport.status)
        .tuples()
    ):
        counts.setdefault(jst_id, {})[status] = n
    return [(jst_id, name, counts.get(jst_id, {})) for jst_id, name in jsts]


def network_jst(network, jst_id):
    """The JST if it is one of the network's, else None."""
    return (
        Jst.select()
        .where((Jst.id == jst_id) & (Jst.status == "active") & Jst.id.in_(member_jsts(network)))
        .first()
    )


def jst_progress(jst, period):
    """The JST's progress report of `period`: [ProgressReport] in the plan's order of saving."""
    return list(
        ProgressReport.select()
        .where((ProgressReport.jst == jst.id) & (ProgressReport.period == period))
        .order_by(ProgressReport.id)
    )


# ---------- demo ----------

DEMO_THREADS = [
    (
        "Jak policzyć koszt dowozu uczniów w subwencji?",
        "ekspert1@example.org",
        "Dzień dobry, przy planowaniu działań warto sprawdzić, jak dowozy wpływają na wydatki "
        "bieżące. Metryczka subwencji: https://ore.example.org/subwencja",
        [
            ("uczestnik3@example.org", "U nas dowozy to ok. 8% wydatków — liczymy je osobno."),
            ("uczestnik1@example.org", "Dziękuję, sprawdzimy to w naszym budżecie na 2018 r."),
        ],
    ),
    (
        "Wspólne zakupy pomocy dydaktycznych",
        "uczestnik5@example.org",
        "Czy któraś gmina kupowała pomoce do pracowni przyrodniczych razem z sąsiednią JST?",
        [("ekspert1@example.org", "Tak, porozumienie międzygminne dobrze się sprawdza.")],
    ),
]


def _add_demo_members(network, users, numbers):
    NetworkMember.insert_many(
        [(network.id, users[f"uczestnik{k}@example.org"].id) for k in numbers],
        fields=[NetworkMember.network, NetworkMember.user],
    ).on_conflict_ignore().execute()


def seed_demo(ctx):
    """One thematic network with members of several JSTs and a couple of threads, and the
    monitoring network with two JSTs' teams (idempotent)."""
    if Network.select().exists():
        return
    users = ctx["users"]
    network = create(
        users["ekspert1@example.org"],
        "Finansowanie oświaty",
        "Subwencja, dotacje i koszty zadań oświatowych: wymiana doświadczeń między JST.",
    )
    _add_demo_members(network, users, range(1, 7))
    monitoring_network, _opened = open_monitoring(users["koordynator@example.org"])
    _add_demo_members(monitoring_network, users, range(1, 5))
    for title, author, body, replies in DEMO_THREADS:
        thread = start_thread(
            network, users[author], title, body, None, lambda t, p: f"/sieci/{network.id}", {}
        )
        for who, text in replies:
            reply(network, thread, users[who], text, None, lambda t, p: f"/sieci/{network.id}", {})
