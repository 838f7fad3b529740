"""The bad-input corpus posted to every form listed in tests/authz: never a 500, on SQLite and
on PostgreSQL (NUL bytes, 100,000 characters, emoji, right-to-left text, template syntax, huge
numbers)."""

import re

import pytest
from werkzeug.routing import IntegerConverter

from models import User
from tests.authz import load_areas
from tests.conftest import World, login

CORPUS = [
    "\x00NUL\x00",
    "x" * 100_000,
    "😀🏫📚",
    "\u202eטקסט מימין לשמאל",
    "{{ 7*7 }}{% raw %}",
    "99999999999999999999999999999",
    "-1",
    "2017-02-30",
    "<script>alert(1)</script>",
]
FORMS = [
    (module.__name__, role, path)
    for module in load_areas()
    for role, path in getattr(module, "FORMS", [])
]


def _field_names(html):
    return set(re.findall(r'<(?:input|select|textarea)[^>]*name="([^"]+)"', html)) - {"csrf_token"}


@pytest.mark.parametrize("area,role,path", FORMS, ids=[f"{r} {p}" for _a, r, p in FORMS])
def test_bad_input_never_crashes(app, area, role, path):
    world = World()
    ids = {"jst": world.jst.id, "other_jst": world.other_jst.id}
    for module in load_areas():
        if hasattr(module, "setup"):
            ids.update(module.setup(world))
    path = path.format(**ids)
    client = app.test_client()
    if role != "anon":
        login(client, world.user(role))
    page = client.get(path)
    assert page.status_code == 200, path
    names = _field_names(page.get_data(as_text=True))
    assert names, f"no form fields on {path}"
    for value in CORPUS:
        response = client.post(path, data={name: value for name in names})
        assert response.status_code < 500, f"{path} with {value[:20]!r}: {response.status_code}"


HUGE = "99999999999999999999"


def _huge_paths(app):
    """(method, path) of every route with a variable: numbers huge, other variables a word."""
    for rule in app.url_map.iter_rules():
        if not rule.arguments or rule.endpoint == "static":
            continue

        def value(match, rule=rule):
            converter = rule._converters[match.group(1)]
            if isinstance(converter, IntegerConverter):
                return HUGE
            return sorted(getattr(converter, "items", None) or ["x"])[0]

        path = re.sub(r"<(?:[^:<>]+:)?([^:<>]+)>", value, rule.rule)
        for method in sorted(rule.methods & {"GET", "POST"}):
            yield method, path


@pytest.mark.parametrize("role", ["coordinator", "admin"])
def test_huge_numbers_in_urls_are_not_found(app, role):
    world = World()
    client = app.test_client()
    login(client, world.user(role))
    paths = list(_huge_paths(app))
    assert ("GET", f"/jst/{HUGE}") in paths
    for method, path in paths:
        response = client.open(path, method=method)
        assert response.status_code < 500, f"{method} {path}: {response.status_code}"
    for path in (
        f"/jst/{HUGE}",
        f"/uzytkownicy/{HUGE}",
        f"/jst/{world.jst.id}/zespol/{HUGE}/odejscie",
    ):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("role", ["coordinator", "admin", "participant", "expert"])
def test_huge_numbers_in_query_strings_never_crash(app, role):
    """Every page, its numbers in the path those of the demo data (id 1 exists for every kind
    of object), with huge numbers in the query string."""
    from services import demo

    demo.seed("demo-haslo-123", "pbkdf2:sha256:1")
    email = {
        "coordinator": "koordynator@example.org",
        "admin": "admin@example.org",
        "participant": "uczestnik1@example.org",
        "expert": "ekspert1@example.org",
    }[role]
    client = app.test_client()
    login(client, User.get(User.email == email), "demo-haslo-123")
    names = ("strona", "grupa", "wersja", "a", "b", "liczba", "polrocze", "q", "rodzaj")
    query = "&".join(f"{name}={HUGE}" for name in names)
    checked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue

        def value(match, rule=rule):
            converter = rule._converters[match.group(1)]
            if isinstance(converter, IntegerConverter):
                return "1"
            return sorted(getattr(converter, "items", None) or ["x"])[0]

        path = re.sub(r"<(?:[^:<>]+:)?([^:<>]+)>", value, rule.rule)
        response = client.get(f"{path}?{query}")
        assert response.status_code < 500, f"{path}: {response.status_code}"
        checked += response.status_code == 200
    assert checked >= 10  # pages were really reached, not all refused
