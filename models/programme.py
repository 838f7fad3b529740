"""Models of the the programme around the plan (issue 9).

MODELS: the tables of this area (exported through models.ALL_MODELS).
MIGRATIONS: [(number, function)], numbers 60–69 belong to this area.
"""

MODELS = []
MIGRATIONS = []
