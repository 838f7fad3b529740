"""HTTP throughput and latency under gunicorn (2 workers each) on a seeded SQLite database.

Prints one JSON object: requests/s, p50 and p99 (ms) of
- the lean reference (benchmarks/lean_app.py: bare Flask + Flask-Login + CSRFProtect, a session
  row in SQLite, one small layout): its /healthz and its /konto, the share konto/healthz;
- Plan JST with 100 JSTs, signed in as the coordinator: /healthz, /konto, the JST list (/jst),
  the progress board (/przeglad) and a plan wizard step, each as a share of /healthz, and
  /konto's share against the lean reference's (`account_vs_lean`, the goal ≥ 1.0);
- the JST list with 1,000 JSTs and its share of /healthz.

Fair on a shared machine: both apps run at once under the same gunicorn settings (2 sync
workers, each app's templates compiled and its heap frozen after the worker loads it: the
project's gunicorn.conf.py, the lean app's post_worker_init), and are measured in interleaved
rounds — lean /healthz, lean /konto, project /healthz, /konto, /jst, /przeglad, wizard step,
then again — so whatever else the machine runs falls on both alike. Each figure is the median
over the rounds; each share the median of the rounds' own shares. The load generator is wrk
(2 threads) when it is installed, else a Python client (threads, one connection each), which
itself takes much of the CPU: its figures are lower and only its shares compare.
Usage: python benchmarks/http_pages.py [--seconds 3] [--connections 16] [--rounds 5]
"""

import argparse
import http.client
import json
import os
import re
import shutil
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
WRK = shutil.which("wrk")


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


def start(env, port, app="app:create_app()", cwd=ROOT, config=str(ROOT / "gunicorn.conf.py")):
    """gunicorn as the project runs it (2 sync workers), with `config` (settle each worker);
    by default Plan JST itself."""
    proc = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--config",
            config,
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


def stop(proc):
    proc.terminate()
    proc.wait()


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


UNITS_MS = {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000}


def _ms(text):
    """wrk's latency (`850.00us`, `12.31ms`, `1.02s`, `2.00m`) in ms."""
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if found is None:
        raise ValueError(f"wrk latency not understood: {text!r}")
    return round(float(found.group(1)) * UNITS_MS[found.group(2)], 2)


def load_wrk(port, path, cookie, seconds, connections):
    command = [WRK, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    if "Latency Distribution" not in out:
        raise SystemExit(f"wrk printed no latencies for {path}:\n{out}")

    def figure(pattern):
        found = re.search(pattern, out, re.M)
        if found is None:
            raise SystemExit(f"wrk's output for {path} lacks {pattern!r}:\n{out}")
        return found.group(1)

    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests": int(figure(r"(\d+) requests in")),
        "errors": int(bad.group(1)) if bad else 0,
        "rps": float(figure(r"Requests/sec:\s+([\d.]+)")),
        "p50_ms": _ms(figure(r"^\s+50%\s+(\S+)")),
        "p99_ms": _ms(figure(r"^\s+99%\s+(\S+)")),
    }


def load_python(port, path, cookie, seconds, connections):
    latencies, errors = [], [0]
    stop_at = time.monotonic() + seconds
    lock = threading.Lock()

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port)
        mine = []
        while time.monotonic() < stop_at:
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
        "requests": len(latencies),
        "errors": errors[0],
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2),
    }


load = load_wrk if WRK else load_python


def rounds(targets, n, seconds, connections):
    """targets: {name: (port, path, cookie)}, measured in turn, n times over. Returns
    {name: [figures of each round]}."""
    for port, path, cookie in targets.values():  # warm-up
        load(port, path, cookie, 1, 2)
    runs = {name: [] for name in targets}
    for _ in range(n):
        for name, (port, path, cookie) in targets.items():
            runs[name].append(load(port, path, cookie, seconds, connections))
    return runs


def median(runs, path):
    """The median of each figure over the rounds; errors summed."""
    return {
        "path": path,
        "requests": sum(r["requests"] for r in runs),
        "errors": sum(r["errors"] for r in runs),
        "rps": round(statistics.median(r["rps"] for r in runs), 1),
        "p50_ms": round(statistics.median(r["p50_ms"] for r in runs), 2),
        "p99_ms": round(statistics.median(r["p99_ms"] for r in runs), 2),
    }


def share(runs, base):
    """The median over the rounds of a page's req/s over its /healthz's in the same round."""
    return round(statistics.median(p["rps"] / h["rps"] for p, h in zip(runs, base, strict=True)), 3)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    results = {
        "client": "wrk -t2" if WRK else "python threads",
        "connections": args.connections,
        "seconds": args.seconds,
        "rounds": args.rounds,
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
    }
    measure = lambda targets: rounds(targets, args.rounds, args.seconds, args.connections)  # noqa: E731
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
        flask(env, "init-db")
        flask(env, "seed-demo")
        flask(env, "seed-scale", "--jsts", "96")  # 4 demo + 96 = 100 JSTs
        lean_port, port = free_port(), free_port()
        project_config = str(ROOT / "gunicorn.conf.py")
        lean_app = "lean_app:create_app()"
        lean = start(lean_env, lean_port, lean_app, ROOT / "benchmarks", "python:lean_app")
        server = start(env, port, "app:create_app()", ROOT, project_config)
        try:
            lean_cookie = login(lean_port, "koordynator@example.org")
            cookie = login(port, "koordynator@example.org")
            step = first_step(port, cookie)
            paths = {
                "lean_healthz": (lean_port, "/healthz", None),
                "lean_account_page": (lean_port, "/konto", lean_cookie),
                "healthz": (port, "/healthz", None),
                "account_page": (port, "/konto", cookie),
                "jst_list_100": (port, "/jst", cookie),
                "board": (port, "/przeglad", cookie),
                "wizard_step": (port, step, cookie),
            }
            runs = measure(paths)
        finally:
            stop(lean)
            stop(server)
        flask(env, "seed-scale", "--jsts", "1000")
        server = start(env, port, "app:create_app()", ROOT, project_config)
        try:
            cookie = login(port, "koordynator@example.org")
            paths_1000 = {
                "healthz_with_1000": (port, "/healthz", None),
                "jst_list_1000": (port, "/jst", cookie),
            }
            runs.update(measure(paths_1000))
        finally:
            stop(server)
    for name, (_, path, _) in {**paths, **paths_1000}.items():
        results[name] = median(runs[name], path)
    results["lean_account_ratio"] = share(runs["lean_account_page"], runs["lean_healthz"])
    results["account_ratio"] = share(runs["account_page"], runs["healthz"])
    project = zip(runs["account_page"], runs["healthz"], strict=True)
    reference = zip(runs["lean_account_page"], runs["lean_healthz"], strict=True)
    results["account_vs_lean"] = round(  # the median of the rounds' own comparisons
        statistics.median(
            (a["rps"] / h["rps"]) / (la["rps"] / lh["rps"])
            for (a, h), (la, lh) in zip(project, reference, strict=True)
        ),
        3,
    )
    for name in ("jst_list_100", "board", "wizard_step"):
        results[f"{name}_ratio"] = share(runs[name], runs["healthz"])
    results["jst_list_1000_ratio"] = share(runs["jst_list_1000"], runs["healthz_with_1000"])
    results["load_average_at_end"] = os.getloadavg()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
