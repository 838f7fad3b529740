"""Models of the evaluation surveys and certificates (issue 10).

MODELS: the tables of this area (exported through models.ALL_MODELS).
MIGRATIONS: [(number, function)], numbers 70–79 belong to this area.
"""

MODELS = []
MIGRATIONS = []
