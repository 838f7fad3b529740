"""Views of the the programme around the plan (issue 9)."""

from flask import Blueprint

bp = Blueprint("programme", __name__)

# (endpoint, label, policy action): this area's entries in the main navigation
NAV = []
