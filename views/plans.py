"""Views of the plan wizard (issue 5)."""

from flask import Blueprint

bp = Blueprint("plans", __name__)

# (endpoint, label, policy action): this area's entries in the main navigation
NAV = []
