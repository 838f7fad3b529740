"""The chrome every page shares (issue 21), cheap: built once per role and process, not per request.

The menu's links depend only on the role (policy.can without an object looks at nothing else)
and on the script root the app is served under, so each menu is rendered once per (role, root,
current entry) — a handful of strings per process — and a request only looks up which entry is
current (its area for the coordinator's grouped menu, its endpoint for the flat ones). The
links of the rest of the chrome (brand, notifications, account, logout, session status,
accessibility, CSS and JS, Bootstrap's tags) are built once per root. What varies per request
stays in base.html: the unread count (one prepared query), the user's name and the CSRF token.
"""

from collections import ChainMap
from types import SimpleNamespace

from flask import current_app, g, has_request_context, request, url_for
from jinja2 import Template, runtime
from markupsafe import Markup, escape

from lib import memos
from services import policy

from . import areas

# (endpoint, label, policy action or None) of the flat menu; views.register hands it over (it is
# built there from every area's NAV, and the areas import this module)
NAV = ()

# name → (endpoint, url arguments) of the links every page has
LINKS = {
    "home": ("main.home", {}),
    "notifications": ("review.notifications", {}),
    "account": ("auth.account", {}),
    "logout": ("auth.logout", {}),
    "session_status": ("auth.session_status", {}),
    "accessibility": ("main.accessibility", {}),
    "css": ("static", {"filename": "app.css"}),
    "favicon": ("static", {"filename": "favicon.svg"}),
    "js": ("static", {"filename": "app.js"}),
}

_URLS = memos.memo("chrome.urls")  # script root → {name: url}
_PLAIN = memos.memo("chrome.plain_urls")  # (script root, endpoint) → url without arguments
_ENTRIES = memos.memo("chrome.menu_entries")  # (role, script root) → [(label, url, key)]
_MENUS = memos.memo("chrome.menus")  # (role, script root, current key) → Markup of the <li>s


def urls():
    """{name: url} of the chrome's links (LINKS), and Bootstrap's <link> and <script> tags
    (bootstrap_css, bootstrap_js), built once per script root."""
    root = request.script_root
    built = _URLS.get(root)
    if built is None:
        built = {name: url_for(ep, **args) for name, (ep, args) in LINKS.items()}
        bootstrap = current_app.extensions["bootstrap"]
        built.update(bootstrap_css=bootstrap.load_css(), bootstrap_js=bootstrap.load_js())
        _URLS[root] = built
    return built


def template_url_for(endpoint, **values):
    """url_for as templates call it (the jinja global): a link without values — a third of the
    templates' url_for calls — built once per script root (no route here has defaults or a
    host); with values, relative to the blueprint or outside a request, flask's url_for."""
    if values or endpoint[:1] == "." or not has_request_context():
        return url_for(endpoint, **values)
    key = (request.script_root, endpoint)
    url = _PLAIN.get(key)
    if url is None:
        url = _PLAIN[key] = url_for(endpoint)
    return url


def _entries(role):
    """[(label, url, key)] of a role's menu: the coordinator's areas (key: the area) or the flat
    menu of the other roles (key: the endpoint), only what the role may open."""
    user = SimpleNamespace(role=role, is_authenticated=True)
    if role == "coordinator":
        return [
            (label, url_for(direct) if direct else url_for("areas.landing", area=key), key)
            for key, (label, direct, _) in areas.AREAS.items()
            if areas._parts(user, key)
        ]
    return [
        (label, url_for(endpoint), endpoint)
        for endpoint, label, action in NAV
        if action is None or policy.can(user, action)
    ]


def menu(user):
    """The <li>s of `user`'s menu with the current page's entry marked (aria-current)."""
    root = request.script_root
    entries = _ENTRIES.get((user.role, root))
    if entries is None:
        entries = _ENTRIES[user.role, root] = _entries(user.role)
    if user.role == "coordinator":
        current = areas.area_of(request.endpoint, request.view_args)
    else:
        current = request.endpoint
    if current not in {key for _, _, key in entries}:
        current = None
    html = _MENUS.get((user.role, root, current))
    if html is None:
        html = _MENUS[user.role, root, current] = Markup("\n").join(
            Markup(
                '<li><a class="app-menu-link active" aria-current="page" href="{}">{}</a></li>'
                if key == current
                else '<li><a class="app-menu-link" href="{}">{}</a></li>'
            ).format(url, label)
            for label, url, key in entries
        )
    return html


class _Token:
    """A stand-in for a form on a page that only needs its CSRF token (e.g. a post_button):
    `{{ form.csrf_token }}` renders the same hidden field as a FlaskForm's, without building one."""

    @property
    def csrf_token(self):
        """The hidden field, built once per request (a page may have several such forms)."""
        field = g.get("csrf_field")
        if field is None:
            from flask_wtf.csrf import generate_csrf

            # an f-string of the escaped token, not Markup.format (string.Formatter: 60 calls)
            token = escape(generate_csrf())
            field = Markup(f'<input name="csrf_token" type="hidden" value="{token}">')
            g.csrf_field = field  # per request, like flask_wtf's own g.csrf_token
        return field


TOKEN = _Token()


class PageTemplate(Template):
    """A jinja template that reads its globals as one dict (app.jinja_env.template_class).

    Jinja 3.1 keeps a template's globals as a ChainMap over the environment's, and on every
    render copies it key by key (a Python call per global: ~30 of them) into the new context;
    a `{% from … import … %}` then compares the page's globals with the imported template's
    the same way, to find globals it lacks — nearly 200 calls for each imported file. Here the
    copy is one dict merge and the comparison one set difference; what they yield is the same
    (a ChainMap's first mapping wins; no new globals: jinja's own cached module). Jinja's private
    internals: tests/test_private_internals.py fails on an upgrade."""

    def new_context(self, vars=None, shared=False, locals=None):
        names = self.globals
        if isinstance(names, ChainMap):
            flat = {}
            for mapping in reversed(names.maps):
                flat.update(mapping)
            names = flat
        return runtime.new_context(
            self.environment, self.name, self.blocks, vars, shared, names, locals
        )

    def _get_default_module(self, ctx=None):
        if ctx is not None and not ctx.globals_keys.difference(self.globals):
            ctx = None
        return super()._get_default_module(ctx)
