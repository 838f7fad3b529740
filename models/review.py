"""Models of the expert review (issue 8).

MODELS: the tables of this area (exported through models.ALL_MODELS).
MIGRATIONS: [(number, function)], numbers 50–59 belong to this area.
"""

MODELS = []
MIGRATIONS = []
