"""Fill a `seed-scale` database with the programme's activity (services.demo.seed_activity: plans
in every status, attendance, signed copies, task reports, visits, survey answers, certificates),
so the national pages have rows to aggregate. Only the scale JSTs with no activity yet are
filled: running it again after a bigger seed-scale fills the new ones. Fictitious data only.

Usage (the environment names the database, as for flask): python benchmarks/national_data.py
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from models import db  # noqa: E402
from services import demo  # noqa: E402

if __name__ == "__main__":
    app = create_app()
    with app.app_context(), db.connection_context():
        print(f"Uzupełniono dane {demo.seed_activity()} JST.")
