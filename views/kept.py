"""A page's content rendered once and kept while the data is unchanged (services.kept): the
national summaries render a few hundred cells each (tens of url_for, dates, SVG bars), which
would cost more than the rest of the request. Only content that depends on nothing but the key
may be kept: no CSRF token, no user besides the role and scope the key names."""

from flask import render_template
from flask_login import current_user
from markupsafe import Markup

from services import kept


def body(name, key, template, context):
    """The HTML of `template` rendered with context() (a callable: it runs only when nothing
    is kept), kept per (name, the user's role, key)."""
    return kept.kept(
        (name, current_user.role, key),
        lambda: Markup(render_template(template, **context())),
    )
