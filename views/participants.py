"""Views of the participant data (issue 6)."""

from flask import Blueprint

bp = Blueprint("participants", __name__)

# (endpoint, label, policy action): this area's entries in the main navigation
NAV = []
