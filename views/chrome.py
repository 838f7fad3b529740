"""The chrome every page shares (issue 21), cheap: built once per role and process, not per request.

The menu's links depend only on the role (policy.can without an object looks at nothing else)
and on the script root the app is served under, so each menu is rendered once per (role, root,
current entry) — a handful of strings per process — and a request only looks up which entry is
current (its area for the coordinator's grouped menu, its endpoint for the flat ones). The
links of the rest of the chrome (brand, notifications, account, logout, session status,
accessibility, CSS and JS, Bootstrap's tags) are built once per root. What varies per request
stays in base.html: the unread count (one prepared query), the user's name and the CSRF token.
"""

from types import SimpleNamespace

from flask import current_app, request, url_for
from jinja2 import Template
from markupsafe import Markup, escape

from services import policy

from . import areas

# name → (endpoint, url arguments) of the links every page has
LINKS = {
    "home": ("main.home", {}),
    "notifications": ("review.notifications", {}),
    "account": ("auth.account", {}),
    "logout": ("auth.logout", {}),
    "session_status": ("auth.session_status", {}),
    "accessibility": ("main.accessibility", {}),
    "css": ("static", {"filename": "app.css"}),
    "js": ("static", {"filename": "app.js"}),
}

_URLS = {}  # script root → {name: url}
_ENTRIES = {}  # (role, script root) → [(label, url, key)]
_MENUS = {}  # (role, script root, current key) → Markup of the menu's <li>s


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
    from . import NAV

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
        from flask_wtf.csrf import generate_csrf

        # an f-string of the escaped token, not Markup.format (string.Formatter: 60 calls)
        return Markup(f'<input name="csrf_token" type="hidden" value="{escape(generate_csrf())}">')


TOKEN = _Token()


class MacroTemplate(Template):
    """A template whose `{% from … import … %}` costs a few calls, not some 6 per jinja global.

    An import hands the importing page's context to the imported template, which compares that
    context's globals with its own key by key through a ChainMap (jinja 3.1) to find globals
    it lacks — with ~30 globals, nearly 200 calls for each imported file on every page. The
    same question as one set difference: nothing new, and the cached module is the answer, as
    jinja's own comparison would find."""

    def _get_default_module(self, ctx=None):
        if ctx is not None and not ctx.globals_keys.difference(self.globals):
            ctx = None
        return super()._get_default_module(ctx)
