"""Views of JSTs, teams and experts (issue 4)."""

from flask import Blueprint

bp = Blueprint("jst", __name__)

# (endpoint, label, policy action): this area's entries in the main navigation
NAV = []
