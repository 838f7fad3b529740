"""Every object URL of one JST, replayed by everyone without the right to it.

The authorization matrix (test_authz_matrix.py) tries each route once, with the ids of a sparse
world. This test starts from a JST with data in every area (the demo's Powiat Testowy: a plan
submitted twice and returned, comment threads, notifications, participant data, signed copies,
a visit, a task report with an attachment), crawls it like a browser as its team member, its
expert and the coordinator, and replays every same-origin URL with a number in its path that
they reached — links, GET forms, downloads, and the targets of their POST forms (sent empty) —
as:
- a participant and the expert of another JST: 404 under this JST's id; 403 or 404 for its other
  objects (a member's data, a signed copy, a notification), the same answer as for an id that
  does not exist, so nothing is probeable; and this JST's rows, threads, memberships and
  attachments put under their own JST's id answer as if they did not exist, never 200;
- an anonymous visitor: the sign-in page;
- each role of its own (team member, expert, coordinator, admin) that the matrix says has no
  right to that route: 403 or 404.
None of it changes the JST's data.
"""

import re
from collections import Counter, deque
from datetime import date
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

from werkzeug.exceptions import MethodNotAllowed, NotFound

from models import Jst, TeamMembership, User
from models.documents import SignedCopy
from models.programme import Attachment, Task, TaskReport
from models.review import Comment, Notification
from services import demo, documents, plans, programme, review
from tests.authz import all_cases
from tests.conftest import CHEAP_HASH, PASSWORD, login
from tests.pages import parse

PNG = b"\x89PNG\r\n\x1a\n" + bytes(100)
OWN_ROLES = ("participant_own", "expert_own", "coordinator", "admin")
SKIPPED = ("/static/", "/bootstrap/", "/logout")
QUERY_VARIANTS = 4
DOWNLOADS = (".docx", ".zip", ".xlsx", ".csv", ".json")


def _full_jst(app):
    """The demo data, and the demo's Powiat Testowy given something in every area."""
    demo.seed(PASSWORD, CHEAP_HASH)
    jst = Jst.get(Jst.name == "Powiat Testowy")
    users = {
        "participant_own": User.get(User.email == "uczestnik5@example.org"),
        "expert_own": User.get(User.email == "ekspert2@example.org"),
        "coordinator": User.get(User.email == "koordynator@example.org"),
        "admin": User.get(User.email == "admin@example.org"),
        # Gmina Przykładowo's
        "participant_other": User.get(User.email == "uczestnik1@example.org"),
        "expert_other": User.get(User.email == "ekspert1@example.org"),
    }
    expert, member = users["expert_own"], users["participant_own"]
    coordinator = users["coordinator"]
    plan = plans.get_plan(jst)
    url = f"/jst/{jst.id}/plan/podsumowanie"
    plans.transition(plan, "return", expert, "Proszę doprecyzować wskaźniki.")
    review.on_transition(plan, "return", expert, url, app.config)
    review.reply(Comment.get(Comment.plan == plan), "Poprawimy.", member, url, app.config)
    review.save_visit(
        jst,
        expert,
        {
            "visit_date": date(2017, 9, 1),
            "form": "spotkanie",
            "attendees": "zespół",
            "topics": "plan",
            "conclusions": "dobrze",
        },
    )
    report = programme.save_report(Task.select().first(), jst, "Sprawozdanie z zadania.")
    programme.add_attachment(report, "zdjecie.png", PNG)
    documents.record_signed("deklaracja", jst, date(2017, 4, 1), coordinator)
    documents.record_signed("plan", jst, date(2017, 9, 1), coordinator, 2)
    documents.record_signed("oswiadczenie", member, date(2017, 4, 1), coordinator)
    return jst, Jst.get(Jst.name == "Gmina Przykładowo"), users


def _owned(jst):
    """Route argument → ids of this JST's objects: a URL holding one belongs to the JST."""
    plan = plans.get_plan(jst)
    team = {m.user_id for m in plans.current_team(jst)}
    return {
        "jst_id": {jst.id},
        "user_id": team,
        "membership_id": {m.id for m in TeamMembership.select().where(TeamMembership.jst == jst)},
        "uid": {row.uid for kind in plans.ROW_KINDS for row in plans.rows(plan, kind, False)},
        "comment_id": {c.id for c in Comment.select().where(Comment.plan == plan)},
        "attachment_id": {
            a.id for a in Attachment.select().join(TaskReport).where(TaskReport.jst == jst)
        },
        "copy_id": {
            c.id for c in SignedCopy.select() if c.jst_id == jst.id or c.participant_id in team
        },
        "notification_id": {n.id for n in Notification.select().where(Notification.user << team)},
    }


def _state(jst):
    """What a replay must not change: the plan, its threads, the team, files."""
    plan = plans.get_plan(jst)
    return (
        plans.plan_content(plan),
        [(c.id, c.body, c.resolved_at) for c in Comment.select().order_by(Comment.id)],
        [(m.id, m.left_at) for m in TeamMembership.select().order_by(TeamMembership.id)],
        Attachment.select().count(),
        SignedCopy.select().count(),
        [(j.id, j.status, j.version) for j in Jst.select().order_by(Jst.id)],
    )


class Site:
    def __init__(self, app):
        self.app = app
        self.adapter = app.url_map.bind("localhost")

    def route(self, url, method="GET"):
        """(endpoint, arguments) or None."""
        try:
            return self.adapter.match(urlsplit(url).path, method=method)
        except (NotFound, MethodNotAllowed):
            return None

    def client(self, user=None):
        client = self.app.test_client()
        if user is not None:
            login(client, user)
        return client


def _local(base, href):
    """The same-origin path (with its query) a link points to, or None."""
    parts = urlsplit(urljoin(base, href))
    if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "localhost"):
        return None
    if parts.path.startswith(SKIPPED):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _crawl(site, user, keep):
    """{(url, method)} that `user` reaches from the home page by following links and forms.
    Pages are fetched, downloads only when they name an object; POST forms are not sent."""
    client = site.client(user)
    seen, found, queue = {"/"}, set(), deque(["/"])
    # filters, sorting and paging link to endless combinations of one list: one visit per path and
    # set of query parameter names, a few per path
    shapes, per_path = set(), Counter()
    while queue:
        url = queue.popleft()
        response = client.get(url)
        assert response.status_code in (200, 302), f"{user.email}: GET {url}"
        found.add((url, "GET"))
        targets = [response.headers.get("Location", "")]
        if response.mimetype == "text/html":
            links, forms = parse(response.get_data(as_text=True))
            targets += links
            for form in forms:
                if form.method == "get":
                    action = urlsplit(form.action or url).path  # a browser drops the query
                    targets.append(f"{action}?{urlencode(form.fields)}")
                elif (path := _local(url, form.action or url)) and keep(path, "POST"):
                    found.add((path, "POST"))
        for target in targets:
            path = _local(url, target) if target else None
            if path and path not in seen and keep(path, "GET"):
                seen.add(path)
                parts = urlsplit(path)
                shape = (parts.path, frozenset(parse_qs(parts.query)))
                if shape in shapes or per_path[parts.path] >= QUERY_VARIANTS:
                    continue
                shapes.add(shape)
                per_path[parts.path] += 1
                if parts.path.endswith(".pdf"):
                    # replayed, not made here: each is a LibreOffice start (tests/documents
                    # check the PDFs); it is a file, it links nowhere
                    found.add((path, "GET"))
                elif not path.endswith(DOWNLOADS) or re.search(r"\d", urlsplit(path).path):
                    queue.append(path)
    return found


def _missing(value):
    """An id of the same kind that no object has."""
    return "0" * 32 if isinstance(value, str) else 987654321


def _expected(method):
    """endpoint → role → statuses the matrix accepts (union over its cases)."""
    expected = {}
    for case in all_cases():
        if case.method == method:
            for role, statuses in case.expect.items():
                expected.setdefault(case.endpoint, {}).setdefault(role, set()).update(statuses)
    return expected


def _without_right(statuses):
    """503: what the matrix expects of a PDF route from a role with the right, as it hides
    LibreOffice (tests/authz/documents.py PDF_OK)."""
    return not any(200 <= status < 400 or status == 503 for status in statuses)


def test_object_urls_of_one_jst_replayed_by_everyone_else(app):
    jst, other, users = _full_jst(app)
    site = Site(app)
    owned = _owned(jst)

    def mine(url, method):
        """A page without ids, or one naming this JST's objects (not shared ones alone, like a
        module, nor another JST's)."""
        route = site.route(url, method)
        if route is None:
            return False
        ids = {name: value for name, value in route[1].items() if isinstance(value, int)}
        kinds = set(ids) & set(owned)
        return all(ids[name] in owned[name] for name in kinds) and (kinds or not ids)

    found = set()
    for role in ("participant_own", "expert_own", "coordinator"):
        found |= _crawl(site, users[role], mine)
    urls = sorted((url, method) for url, method in found if re.search(r"\d", urlsplit(url).path))
    reached = {site.route(url, method)[0] for url, method in urls}
    assert reached >= {
        "jst.jst_detail",
        "jst.member_leave",
        "plans.step",
        "plans.row",
        "plans.row_delete",
        "plans.compare",
        "review.read",
        "review.answer",
        "review.open_notification",
        "review.visit",
        "documents.plan",
        "documents.signed_file",
        "documents.declaration",
        "participants.person",
        "programme.report",
        "programme.attachment",
    }, sorted(reached)

    clients = {role: site.client(users[role]) for role in users}
    clients["anon"] = site.client()
    expected = {"GET": _expected("GET"), "POST": _expected("POST")}
    before = _state(jst)
    failures, replayed = [], 0

    def status(role, method, url):
        nonlocal replayed
        replayed += 1
        return clients[role].open(url, method=method).status_code

    def check(role, method, url, ok, why):
        code = status(role, method, url)
        if code not in ok:
            failures.append(f"{role}: {method} {url} → {code}, expected {sorted(ok)} ({why})")
        return code

    for url, method in urls:
        endpoint, args = site.route(url, method)
        query = f"?{urlsplit(url).query}" if urlsplit(url).query else ""
        objects = {name for name, value in args.items() if value in owned.get(name, ())}

        def build(**changes):
            return site.adapter.build(endpoint, {**args, **changes}) + query  # noqa: B023

        replayed += 1
        response = clients["anon"].open(url, method=method)
        if response.status_code != 302 or "/login" not in response.headers["Location"]:
            failures.append(f"anon: {method} {url} → {response.status_code}, not the sign-in")
        for role in ("participant_other", "expert_other"):
            if "jst_id" in objects:
                check(role, method, url, {404}, "another JST's object")
            elif objects:  # nothing to learn: the same answer as for objects that do not exist
                code = check(role, method, url, {403, 404}, "another JST's object")
                missing = build(**{name: _missing(args[name]) for name in objects})
                check(role, method, missing, {code}, "differs from an object that does not exist")
            if "jst_id" in objects and objects - {"jst_id"}:  # under the user's own JST
                swapped = build(jst_id=other.id)
                code = status(role, method, swapped)
                missing = build(
                    jst_id=other.id, **{n: _missing(args[n]) for n in objects - {"jst_id"}}
                )
                check(role, method, missing, {code}, f"{swapped} → {code}: another JST's object")
                if code == 200:
                    failures.append(f"{role}: {method} {swapped} → 200 (another JST's object)")
        for role in OWN_ROLES:
            # a GET-and-POST route the matrix tries by GET only: one policy check serves both
            statuses = expected[method].get(endpoint, expected["GET"].get(endpoint, {})).get(role)
            if statuses is None:
                failures.append(f"{endpoint} ({method}) has no case in tests/authz")
            elif _without_right(statuses):
                check(role, method, url, {403, 404}, "a role without the right")
    assert _state(jst) == before, "a replay changed the JST's data"
    assert not failures, f"{len(failures)} of {replayed} replays:\n" + "\n".join(failures)
    assert replayed > 500, replayed
