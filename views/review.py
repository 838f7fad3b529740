"""Views of the expert review (issue 8)."""

from flask import Blueprint

bp = Blueprint("review", __name__)

# (endpoint, label, policy action): this area's entries in the main navigation
NAV = []
