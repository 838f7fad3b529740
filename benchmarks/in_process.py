"""What a signed-in /konto costs in process, Plan JST against the lean reference (issue 21):
Python function calls per request (exact, the same on any machine) and CPU µs per request
(the process's own CPU time, which another process on a shared machine barely changes).

Both apps in one process, served through Flask's test client (its own cost is in both figures),
signed in as the coordinator through the real login form (CSRF on); /konto and /healthz of each
timed in interleaved rounds (A, B, A, B …) so the machine's state affects both alike. Printed:
the median and the minimum over the rounds of each page's CPU µs, /konto's share of its app's
/healthz (healthz µs / konto µs, as req/s in http_pages.py) as the median of the rounds' own
shares, and the project's share over the lean one's (median of the rounds; and of the minima).
Usage: python benchmarks/in_process.py [--rounds 21] [--requests 100]
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "demo-haslo-123"


def signed_in(app):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(
        "/login",
        data={"csrf_token": token, "email": "koordynator@example.org", "password": PASSWORD},
    )
    assert response.status_code == 302, response.status_code
    return client


def calls(client, path):
    """Python and C function calls one request makes (the test client's own included)."""
    count = [0]

    def profile(frame, event, arg):
        if event in ("call", "c_call"):
            count[0] += 1

    sys.setprofile(profile)
    try:
        client.get(path)
    finally:
        sys.setprofile(None)
    return count[0]


def cpu_us(client, path, requests):
    started = time.process_time()
    for _ in range(requests):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    return (time.process_time() - started) / requests * 1e6


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(
            PLANJST_DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3",
            PLANJST_SECRET_KEY="benchmark-only-key",
            PLANJST_PASSWORD_HASH_METHOD="pbkdf2:sha256:1000",
            LEAN_DATABASE=f"{tmp}/lean.sqlite3",
        )
        for command in ("init-db", "seed-demo"):
            subprocess.run(
                [str(BIN / "flask"), "--app", "app", command],
                cwd=ROOT,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
        import lean_app

        from app import create_app
        from extensions import settle

        lean_app.init(os.environ["LEAN_DATABASE"])
        project = create_app()
        settle(project)  # as gunicorn.conf.py does in each worker
        clients = {"lean": signed_in(lean_app.create_app()), "project": signed_in(project)}
        pages = [(name, path) for name in clients for path in ("/healthz", "/konto")]
        for name, path in pages:  # warm-up: templates, prepared queries, menus
            cpu_us(clients[name], path, 50)
        figures = {f"{name} {path}": [] for name, path in pages}
        for _ in range(args.rounds):
            for name, path in pages:
                figures[f"{name} {path}"].append(cpu_us(clients[name], path, args.requests))
        results = {"rounds": args.rounds, "requests_per_round": args.requests}
        ratios = {}
        for name in clients:
            healthz, account = figures[f"{name} /healthz"], figures[f"{name} /konto"]
            ratios[name] = [h / a for h, a in zip(healthz, account, strict=True)]
            results[name] = {
                "healthz_calls": calls(clients[name], "/healthz"),
                "account_calls": calls(clients[name], "/konto"),
                "healthz_cpu_us": round(statistics.median(healthz)),
                "account_cpu_us": round(statistics.median(account)),
                "healthz_cpu_us_min": round(min(healthz)),
                "account_cpu_us_min": round(min(account)),
                "account_ratio": round(statistics.median(ratios[name]), 3),
            }
        results["account_vs_lean"] = round(
            statistics.median(
                p / r for p, r in zip(ratios["project"], ratios["lean"], strict=True)
            ),
            3,
        )
        results["account_vs_lean_of_minima"] = round(
            (results["project"]["healthz_cpu_us_min"] / results["project"]["account_cpu_us_min"])
            / (results["lean"]["healthz_cpu_us_min"] / results["lean"]["account_cpu_us_min"]),
            3,
        )
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
