"""Models of the plan wizard (issue 5).

MODELS: the tables of this area (exported through models.ALL_MODELS).
MIGRATIONS: [(number, function)], numbers 20–29 belong to this area.
"""

MODELS = []
MIGRATIONS = []
