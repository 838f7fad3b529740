"""Two speed-ups lean on private internals of their libraries, kept for their measured gain
(about 0.1 ms a request each, see their docstrings): models.prepared reuses peewee's cursor
wrapper and its set-up, views.chrome.PageTemplate replaces how Jinja copies a template's
globals and finds its default module. They were written against the versions below: an upgrade
fails here until someone checks the internals named in these tests again (and re-measures)."""

import inspect
from collections import ChainMap
from importlib import metadata

import jinja2
import peewee
from jinja2 import runtime

PINNED = {"peewee": "4.5.3", "Jinja2": "3.1.6"}


def test_the_versions_the_shortcuts_were_written_for():
    assert {name: metadata.version(name) for name in PINNED} == PINNED


def _parameters(func):
    return list(inspect.signature(func).parameters)


def test_what_models_prepared_takes_from_peewee():
    assert _parameters(peewee.BaseQuery._get_cursor_wrapper) == ["self", "cursor"]
    assert _parameters(peewee.CursorWrapper.initialize) == ["self"]
    assert "self.initialized = False" in inspect.getsource(peewee.CursorWrapper.__init__)


def test_what_page_template_takes_from_jinja():
    assert _parameters(jinja2.Template._get_default_module) == ["self", "ctx"]
    assert _parameters(jinja2.Template.new_context) == ["self", "vars", "shared", "locals"]
    assert _parameters(runtime.new_context) == [
        "environment",
        "template_name",
        "blocks",
        "vars",
        "shared",
        "globals",
        "locals",
    ]
    template = jinja2.Environment().from_string("{{ x }}")
    assert isinstance(template.globals, ChainMap)
    assert isinstance(template.new_context().globals_keys, (set, frozenset))
