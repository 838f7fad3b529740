"""The bad-input corpus posted to every form listed in tests/authz: never a 500, on SQLite and
on PostgreSQL (NUL bytes, 100,000 characters, emoji, right-to-left text, template syntax, huge
numbers)."""

import re

import pytest

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
