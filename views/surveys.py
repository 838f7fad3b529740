"""Views of the evaluation surveys and certificates (issue 10)."""

from flask import Blueprint

bp = Blueprint("surveys", __name__)

# (endpoint, label, policy action): this area's entries in the main navigation
NAV = []
