"""HTTP throughput and latency under gunicorn (2 workers) on a seeded SQLite database.

Prints one JSON object: requests/s, p50 and p99 (ms), in one run, of
- the lean reference (benchmarks/lean_app.py: bare Flask + Flask-Login + CSRFProtect, a session
  row in SQLite, one small layout): its /healthz and its /konto, the share konto/healthz;
- Plan JST with 100 JSTs, signed in as the coordinator: /healthz, /konto, the JST list (/jst),
  the progress board (/przeglad) and a plan wizard step, each as a share of /healthz, and
  /konto's share against the lean reference's (`account_vs_lean`, the goal ≥ 1.0);
- the JST list with 1,000 JSTs and its share of /healthz.
Usage: python benchmarks/http_pages.py [--seconds 5] [--connections 16]
"""

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "demo-haslo-123"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flask(env, *args):
    subprocess.run(
        [str(BIN / "flask"), "--app", "app", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def start(env, port, app="app:create_app()", cwd=ROOT):
    proc = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            app,
        ],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def login(port, email):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/login")
    response = conn.getresponse()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.read().decode()).group(1)
    body = f"csrf_token={token}&email={email}&password={PASSWORD}"
    conn.request(
        "POST",
        "/login",
        body,
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    response = conn.getresponse()
    response.read()
    assert response.status == 302, response.status
    return response.getheader("Set-Cookie").split(";")[0]


def first_step(port, cookie):
    """The wizard step the coordinator's plan of the first JST opens at."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/jst/1/plan", headers={"Cookie": cookie})
    response = conn.getresponse()
    response.read()
    assert response.status == 302, response.status
    return urlsplit(response.getheader("Location")).path


def warm(port, path, cookie):
    load(port, path, cookie, 0.5, 2)


def load(port, path, cookie, seconds, connections):
    latencies, errors = [], [0]
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port)
        mine = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    begun = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - begun
    latencies.sort()
    return {
        "path": path,
        "requests": len(latencies),
        "errors": errors[0],
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    results = {"connections": args.connections, "seconds": args.seconds, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "PLANJST_DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "PLANJST_SECRET_KEY": "benchmark-only-key",
            "PLANJST_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
        lean_env = {**os.environ, "LEAN_DATABASE": f"{tmp}/lean.sqlite3"}
        subprocess.run(
            [sys.executable, "lean_app.py", "init", lean_env["LEAN_DATABASE"]],
            cwd=ROOT / "benchmarks",
            check=True,
        )
        port = free_port()
        server = start(lean_env, port, "lean_app:create_app()", ROOT / "benchmarks")
        try:
            cookie = login(port, "koordynator@example.org")
            run = lambda path, c=cookie: load(port, path, c, args.seconds, args.connections)  # noqa: E731
            warm(port, "/konto", cookie)
            lean_healthz = run("/healthz", None)
            lean_account = run("/konto")
        finally:
            server.terminate()
            server.wait()
        flask(env, "init-db")
        flask(env, "seed-demo")
        flask(env, "seed-scale", "--jsts", "96")  # 4 demo + 96 = 100 JSTs
        port = free_port()
        server = start(env, port)
        try:
            cookie = login(port, "koordynator@example.org")
            run = lambda path, c=cookie: load(port, path, c, args.seconds, args.connections)  # noqa: E731
            step = first_step(port, cookie)
            for path in ("/konto", "/jst", "/przeglad", step):
                warm(port, path, cookie)
            healthz = run("/healthz", None)
            account = run("/konto")
            jst_100 = run("/jst")
            board = run("/przeglad")
            wizard = run(step)
        finally:
            server.terminate()
            server.wait()
        flask(env, "seed-scale", "--jsts", "1000")
        server = start(env, port)
        try:
            cookie = login(port, "koordynator@example.org")
            healthz_1000 = run("/healthz", None)
            jst_1000 = run("/jst", cookie)
        finally:
            server.terminate()
            server.wait()
    lean_ratio = lean_account["rps"] / lean_healthz["rps"]
    account_ratio = account["rps"] / healthz["rps"]
    results.update(
        lean_healthz=lean_healthz,
        lean_account_page=lean_account,
        lean_account_ratio=round(lean_ratio, 3),
        healthz=healthz,
        account_page=account,
        account_ratio=round(account_ratio, 3),
        account_vs_lean=round(account_ratio / lean_ratio, 3),
        jst_list_100=jst_100,
        jst_list_100_ratio=round(jst_100["rps"] / healthz["rps"], 3),
        board=board,
        board_ratio=round(board["rps"] / healthz["rps"], 3),
        wizard_step=wizard,
        wizard_step_ratio=round(wizard["rps"] / healthz["rps"], 3),
        healthz_with_1000=healthz_1000,
        jst_list_1000=jst_1000,
        jst_list_1000_ratio=round(jst_1000["rps"] / healthz_1000["rps"], 3),
    )
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
