"""Models of the participant data (issue 6).

MODELS: the tables of this area (exported through models.ALL_MODELS).
MIGRATIONS: [(number, function)], numbers 30–39 belong to this area.
"""

MODELS = []
MIGRATIONS = []
