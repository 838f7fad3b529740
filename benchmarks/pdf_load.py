"""Many people asking for single documents' PDFs at once (issue 29.6): pages and /healthz must
not wait for LibreOffice.

gunicorn as `make run` starts it (3 sync workers, timeout 30 s, gunicorn.conf.py) and the job
queue's consumer as deployed (`flask --app app worker`: 2 threads), on a fresh SQLite database
(`seed-demo` plus `seed-scale --jsts N`). Signed in as the coordinator, `--clients` clients at
once each ask for a PDF — half of them for different documents (agreements and plans of
different JSTs), half for the same one (the first JST's plan) — as a browser without JavaScript
does: the wait page's address again every 2 s (its meta refresh) while it answers 202, until
the PDF arrives.
Meanwhile /healthz and an ordinary page (/konto) are asked one after the other, without pause,
each from its own thread: their p50/p99 before the load (`--before` seconds) and during it.

Prints JSON: those latencies, the time until each PDF arrived (p50/p90/max, per group), how many
conversions the worker made (one per document, however many asked), the requests that waited,
load averages (the machine is shared: another session's load shows in every figure).
Usage: python benchmarks/pdf_load.py [--clients 50] [--jsts 30] [--before 10]"""

import argparse
import html
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from documents import _gunicorn as gunicorn  # noqa: E402
from http_pages import BIN, ROOT, flask, free_port, login  # noqa: E402

GOAL_P99_MS = 50


def _get(port, path, cookie):
    """(status, content type, body) of one GET on a new connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        conn.close()


class Sampler(threading.Thread):
    """GET `path` over and over, recording each latency (ms) with its start time."""

    def __init__(self, port, path, cookie=""):
        super().__init__(daemon=True)
        self.port, self.path, self.cookie = port, path, cookie
        self.samples, self.errors = [], 0
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set():
            began = time.perf_counter()
            try:
                status, _type, _body = _get(self.port, self.path, self.cookie)
            except OSError:
                status = 0
            took = (time.perf_counter() - began) * 1000
            if status == 200:
                self.samples.append((began, took))
            else:
                self.errors += 1
            time.sleep(0.01)

    def between(self, start, end):
        return _figures([ms for at, ms in self.samples if start <= at < end])


def _figures(values):
    if not values:
        return {"requests": 0}
    ordered = sorted(values)

    def at(q):
        return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))], 1)

    return {
        "requests": len(ordered),
        "p50_ms": at(0.5),
        "p90_ms": at(0.9),
        "p99_ms": at(0.99),
        "max_ms": round(ordered[-1], 1),
    }


AGAIN = re.compile(r'<a class="btn btn-primary" href="([^"]+)">Sprawdź ponownie</a>')


def _ask_pdf(port, path, cookie, out):
    """As a browser without JavaScript: the wait page's refresh (every 2 s, its "Sprawdź
    ponownie" address) until the PDF comes."""
    began = time.perf_counter()
    asked, waits = 0, 0
    while time.perf_counter() - began < 900:
        asked += 1
        started = time.perf_counter()
        status, content_type, body = _get(port, path, cookie)
        out.setdefault("request_ms", []).append((time.perf_counter() - started) * 1000)
        if status == 200 and content_type == "application/pdf" and body.startswith(b"%PDF"):
            out["seconds"] = time.perf_counter() - began
            out["requests"], out["waits"] = asked, waits
            return
        if status != 202:
            out["error"] = status
            return
        waits += 1
        path = html.unescape(AGAIN.search(body.decode()).group(1))
        time.sleep(2)
    out["error"] = "timeout"


def _seconds(results):
    values = sorted(r["seconds"] for r in results if "seconds" in r)
    if not values:
        return {"arrived": 0}
    return {
        "arrived": len(values),
        "p50_s": round(values[len(values) // 2], 2),
        "p90_s": round(values[min(len(values) - 1, int(len(values) * 0.9))], 2),
        "max_s": round(values[-1], 2),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--jsts", type=int, default=30)
    parser.add_argument("--before", type=float, default=10)
    args = parser.parse_args()
    from cryptography.fernet import Fernet

    results = {"cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory() as tmp:
        config = {
            "DATABASE_URL": f"sqlite:///{tmp}/pdf.sqlite3",
            "QUEUE_URL": f"sqlite:///{tmp}/queue.sqlite3",
            "SECRET_KEY": "benchmark",
            "PII_KEYS": Fernet.generate_key().decode(),
        }
        env = dict(os.environ, **{f"PLANJST_{k}": v for k, v in config.items()})
        flask(env, "init-db")
        flask(env, "seed-demo")
        flask(env, "seed-scale", "--jsts", str(args.jsts))
        port = free_port()
        web = gunicorn(env, port)  # as `make run` starts it, answering /healthz
        worker = subprocess.Popen(
            [str(BIN / "flask"), "--app", "app", "worker"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            cookie = login(port, "koordynator@example.org")
            samplers = {
                "healthz": Sampler(port, "/healthz"),
                "page_konto": Sampler(port, "/konto", cookie),
            }
            for sampler in samplers.values():
                sampler.start()
            before = time.perf_counter()
            time.sleep(args.before)
            load_start = time.perf_counter()
            results["load_average_before_load"] = os.getloadavg()[0]
            different = args.clients // 2
            paths = [
                f"/jst/{1 + i // 2}/dokumenty/{'deklaracja' if i % 2 else 'plan'}.pdf"
                for i in range(1, different + 1)
            ] + ["/jst/1/dokumenty/plan.pdf"] * (args.clients - different)
            asked = [{"path": path} for path in paths]
            threads = [
                threading.Thread(target=_ask_pdf, args=(port, path, cookie, out))
                for path, out in zip(paths, asked, strict=True)
            ]
            # started alternately, one for a different document, one for the shared one: the
            # shared one's job is not queued behind all the others
            for i in range(different):
                threads[i].start()
                threads[different + i].start()
            for thread in threads[2 * different :]:
                thread.start()
            for thread in threads:
                thread.join()
            load_end = time.perf_counter()
            results["load_average_at_end"] = os.getloadavg()[0]
            for sampler in samplers.values():
                sampler.stopped.set()
                sampler.join()
            for name, sampler in samplers.items():
                results[name] = {
                    "before": sampler.between(before, load_start),
                    "during": sampler.between(load_start, load_end),
                    "errors": sampler.errors,
                }
            results["pdf"] = {
                "clients": args.clients,
                "documents": len(set(paths)),
                "all": _seconds(asked),
                "different_documents": _seconds(asked[:different]),
                "same_document": _seconds(asked[different:]),
                "errors": [r.get("error") for r in asked if "error" in r],
                "requests": sum(r.get("requests", 0) for r in asked),
                "pdf_request_ms": _figures([ms for r in asked for ms in r.get("request_ms", [])]),
                "load_seconds": round(load_end - load_start, 1),
            }
            results["conversions"] = _conversions(config)
            during = [results[n]["during"].get("p99_ms", 1e9) for n in samplers]
            results["goal_p99_ms"] = GOAL_P99_MS
            results["goal_met"] = max(during) < GOAL_P99_MS
        finally:
            for proc in (worker, web):
                proc.terminate()
                proc.wait(timeout=60)
    print(json.dumps(results, indent=2))


def _conversions(config):
    """The PDF jobs by state: done = LibreOffice conversions made."""
    from app import create_app  # noqa: PLC0415
    from models import db  # noqa: PLC0415
    from models.jobs import Job  # noqa: PLC0415
    from services.documents import ready_pdf  # noqa: PLC0415

    app = create_app(dict(config, QUEUE_IMMEDIATE=False))
    with app.app_context():
        db.connect(reuse_if_open=True)
        rows = Job.select(Job.state, Job.id).where(Job.kind == ready_pdf.JOB).tuples()
        states = {}
        for state, _id in rows:
            states[state] = states.get(state, 0) + 1
        db.close()
    return states


if __name__ == "__main__":
    main()
