"""Models of the Word documents (issue 7).

MODELS: the tables of this area (exported through models.ALL_MODELS).
MIGRATIONS: [(number, function)], numbers 40–49 belong to this area.
"""

MODELS = []
MIGRATIONS = []
