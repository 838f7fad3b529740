"""Views of the Word documents (issue 7)."""

from flask import Blueprint

bp = Blueprint("documents", __name__)

# (endpoint, label, policy action): this area's entries in the main navigation
NAV = []
