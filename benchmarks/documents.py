"""Document rendering: our render (sandbox, strict, template from the database or file) next to
a bare DocxTemplate render+save of the same template and context, and batch ZIPs (seconds and
peak traced memory); then the national batches (services.documents.batches, as the background
jobs build them) on `seed-scale --jsts 1000` with every participant's data filled in: seconds,
documents per second, peak RSS, bytes — each batch in a process of its own, so its peak RSS is its
own.
Prints JSON.

    python benchmarks/documents.py             # everything
    python benchmarks/documents.py --national  # only the national batches
    python benchmarks/documents.py --consumer  # the national batches as jobs, real consumer

--consumer starts `flask --app app worker` (huey, SQLite queue) and gunicorn (as `make run`
does), and, per batch, starts the job as the start route does (jobs.start),
waits for it and prints the seconds from start to done (queue, build, storing the file encrypted
in chunks), the worker's CPU seconds for the job (its own and LibreOffice's: on a shared
machine the wall time waits for the CPU too), the worker's RSS sampled during the job, the
stored bytes, how long starting the job took, and /healthz asked of gunicorn every 50 ms during
the job (p50, p99, max in ms: does the batch starve the site?). PLANJST_DATABASE_URL=postgresql://…
runs it on PostgreSQL (the database is emptied first).
"""

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import urllib.request
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docxtpl import DocxTemplate  # noqa: E402

from app import create_app  # noqa: E402
from models import db, migrate  # noqa: E402
from services import documents  # noqa: E402
from services.documents import batches  # noqa: E402


def median_ms(fn, runs=7):
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 1)


def bare(kind, context):
    doc = DocxTemplate(documents.TEMPLATES / documents.KINDS[kind].filename)
    doc.render(context, autoescape=True)
    doc.save(io.BytesIO())


def plan_context(actions):
    context = documents.sample_context("plan")
    context["actions"] = [
        dict(context["actions"][0], title=f"Działanie {i}") for i in range(actions)
    ]
    return context


def zipped(kind, context, count):
    items = [(f"{kind}-{i}.docx", context, []) for i in range(count)]
    template = documents.template_bytes(kind)
    started = time.perf_counter()
    built = batches.build_zip(kind, items, template=template)
    seconds = time.perf_counter() - started
    size = built.size
    built.path.unlink()
    tracemalloc.start()  # a second pass: tracing slows rendering down
    batches.build_zip(kind, items, template=template).path.unlink()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "documents": count,
        "seconds": round(seconds, 2),
        "zip_mb": round(size / 2**20, 2),
        "peak_traced_mb": round(peak / 2**20, 1),
    }


def rendering():
    with tempfile.TemporaryDirectory() as tmp:
        create_app(
            {"DATABASE_URL": f"sqlite:///{tmp}/d.sqlite3", "SECRET_KEY": "b", "PII_KEYS": ""}
        )
        db.connect(reuse_if_open=True)
        migrate()
        cases = {
            "declaration": ("oswiadczenie", documents.sample_context("oswiadczenie")),
            "agreement": ("deklaracja", documents.sample_context("deklaracja")),
            "plan_40_actions": ("plan", plan_context(40)),
            "plan_400_actions": ("plan", plan_context(400)),
        }
        results = {}
        for name, (kind, context) in cases.items():
            ours = median_ms(lambda k=kind, c=context: documents.render(k, c))
            reference = median_ms(lambda k=kind, c=context: bare(k, c))
            results[name] = {
                "render_ms": ours,
                "bare_docxtpl_ms": reference,
                "ratio": round(ours / reference, 2),
            }
        declaration = cases["declaration"][1]
        results["zip_50_declarations"] = zipped("oswiadczenie", declaration, 50)
        results["zip_100_declarations"] = zipped("oswiadczenie", declaration, 100)
        results["zip_32_plans_40_actions"] = zipped("plan", cases["plan_40_actions"][1], 32)
        db.close()
    return results


# ---------- national batches ----------

ROOT = Path(__file__).resolve().parent.parent
JSTS = int(os.environ.get("PLANJST_BENCH_JSTS", 1000))  # fewer for a quick try
# (name, kind, builder, how many documents: None = all)
CASES = [
    ("zip_2200_declarations", "oswiadczenie", "build_zip", None),
    ("zip_1000_plans", "plan", "build_zip", None),
    ("merged_100_declarations", "oswiadczenie", "build_merged", 100),
    ("merged_2200_declarations", "oswiadczenie", "build_merged", None),
    ("merged_1000_plans", "plan", "build_merged", None),
    ("pdf_100_plans", "plan", "build_pdf_batch", 100),
]
GOALS = {"zip_seconds": 15, "merged_seconds": 30, "linearity": 1.3, "peak_rss_mb": 300}


def _config(tmp):
    from cryptography.fernet import Fernet

    return {
        "DATABASE_URL": f"sqlite:///{tmp}/national.sqlite3",
        "SECRET_KEY": "benchmark",
        "PII_KEYS": Fernet.generate_key().decode(),
    }


def _flask(config, *args):
    env = dict(os.environ, **{f"PLANJST_{k}": v for k, v in config.items()})
    command = [sys.executable, "-m", "flask", "--app", "app", *args]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)


def _fill_participants():
    """Every participant's declaration data (the declarations print PESEL and address)."""
    from lib.identifiers import make_pesel
    from models import User
    from services import participants

    people = User.select().where(User.role == "participant").order_by(User.id)
    for i, user in enumerate(people):
        first, _sep, last = user.full_name.partition(" ")
        birth = date(1960, 1, 1) + timedelta(days=i)
        data = {
            "country": "Polska",
            "first_name": first,
            "last_name": last,
            "pesel": make_pesel(birth, i % 2 == 0, i),
            "sex": "M" if i % 2 == 0 else "K",
            "birth_date": birth,
            "education": "isced5_8",
            "voivodeship": "mazowieckie",
            "powiat": "skalowy",
            "gmina": "Skalowo",
            "town": "Skalowo",
            "street": "ul. Długa",
            "house_no": str(i % 200 + 1),
            "postal_code": "00-950",
            "area": "miejski",
            "phone": "+48 600 100 200",
            "email": f"uczestnik{i}@example.org",
            "occupation": "referent ds. oświaty",
            "joined_at": date(2017, 4, 5),
            "minority": "nie",
            "disability": "nie",
            "disadvantage": "nie",
            "clause": True,
        }
        participants.save(user, data, user)


def national():
    """Seed once, then each case in a process of its own; per-document time at 2,200 merged
    against 100 merged (linearity) and the goals."""
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        config = _config(tmp)
        started = time.perf_counter()
        _flask(config, "init-db")
        _flask(config, "seed-scale", "--jsts", str(JSTS))
        app = create_app(dict(config))
        with app.app_context():
            db.connect(reuse_if_open=True)
            _fill_participants()
            db.close()
        results["seed_seconds"] = round(time.perf_counter() - started, 1)
        for name, *_rest in CASES:
            done = subprocess.run(
                [sys.executable, __file__, "--case", name, "--config", json.dumps(config)],
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            if done.returncode:
                results[name] = {"error": done.stderr.strip().splitlines()[-3:]}
            else:
                results[name] = json.loads(done.stdout)
    small, large = results["merged_100_declarations"], results["merged_2200_declarations"]
    if "error" not in small and "error" not in large:
        results["merged_linearity"] = {
            "ms_per_document_at_100": small["ms_per_document"],
            "ms_per_document_at_2200": large["ms_per_document"],
            "ratio": round(large["ms_per_document"] / small["ms_per_document"], 2),
            "cpu_ratio": round(
                (large["cpu_seconds"] / large["documents"])
                / (small["cpu_seconds"] / small["documents"]),
                2,
            ),
        }
    results["goals"] = GOALS
    results["load_average_at_end"] = os.getloadavg()[0]  # the machine is shared
    return results


def case(name, config):
    """One national batch, in this process: load the items (batches.load_items: what
    documents.batch gives), build."""

    _name, kind, builder, count = next(c for c in CASES if c[0] == name)
    create_app(config)
    db.connect(reuse_if_open=True)
    started, load_cpu = time.perf_counter(), _cpu_seconds()
    items = batches.load_items(kind)
    items = items[:count] if count else items
    loaded, load_cpu = time.perf_counter() - started, _cpu_seconds() - load_cpu
    template = documents.template_bytes(kind)
    rss_loaded = _peak_rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        started, cpu = time.perf_counter(), _cpu_seconds()
        built = getattr(batches, builder)(kind, items, Path(tmp) / name, template=template)
        seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    db.close()
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "documents": built.documents,
        "seconds": round(seconds, 2),
        "documents_per_second": round(built.documents / seconds, 1),
        "ms_per_document": round(seconds * 1000 / built.documents, 2),
        # on a shared machine the wall time waits for the CPU too; this is the work itself
        # (with LibreOffice's, for PDFs)
        "cpu_seconds": round(cpu, 2),
        "bytes": built.size,
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "rss_after_loading_items_mb": round(rss_loaded, 1),
        "load_items_seconds": round(loaded, 2),
        "load_items_cpu_seconds": round(load_cpu, 2),
        **({"libreoffice_peak_rss_mb": round(children, 1)} if builder == "build_pdf_batch" else {}),
    }


def _cpu_seconds():
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


# (name, job kind, params); the document counts are what seed-scale --jsts 1000 gives
JOB_CASES = [
    ("warm_up_empty_batch", "documents.zip", {"kind": "plan", "group": 99}),  # the consumer is up
    ("job_zip_declarations", "documents.zip", {"kind": "oswiadczenie", "group": None}),
    ("job_zip_plans", "documents.zip", {"kind": "plan", "group": None}),
    ("job_merged_declarations", "documents.merged", {"kind": "oswiadczenie", "group": None}),
    ("job_merged_plans", "documents.merged", {"kind": "plan", "group": None}),
    ("job_pdf_plans_group_1", "documents.pdf", {"kind": "plan", "group": 1}),
]


def _rss_mb(pid):
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    line = next((x for x in status.splitlines() if x.startswith("VmRSS:")), "VmRSS: 0 kB")
    return int(line.split()[1]) / 1024


def _cpu_of(pid):
    """CPU seconds of a process and its reaped children (/proc/<pid>/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    utime, stime, cutime, cstime = (int(f) for f in fields[11:15])
    return (utime + stime + cutime + cstime) / os.sysconf("SC_CLK_TCK")


class _Pinger:
    """/healthz asked every `every` seconds in a thread; the latencies in ms."""

    def __init__(self, url, every=0.05):
        self.url, self.every = url, every
        self.samples, self.errors = [], 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self.stop.is_set():
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(self.url, timeout=10) as response:
                    response.read()
                self.samples.append((time.perf_counter() - started) * 1000)
            except OSError:
                self.errors += 1
            self.stop.wait(self.every)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()

    def figures(self):
        if not self.samples:
            return {"errors": self.errors}
        ordered = sorted(self.samples)
        return {
            "requests": len(ordered),
            "p50_ms": round(ordered[len(ordered) // 2], 1),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1),
            "max_ms": round(ordered[-1], 1),
            "errors": self.errors,
        }


def _gunicorn(env, port):
    """gunicorn as `make run` starts it (3 workers), answering /healthz."""
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--workers",
            "3",
            "--timeout",
            "30",
            "--bind",
            f"127.0.0.1:{port}",
            "app:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def _free_port():
    import socket  # noqa: PLC0415

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _emptied_postgres(url):
    """Drop every table of the PostgreSQL database (a fresh init-db follows)."""
    from playhouse.db_url import connect  # noqa: PLC0415

    database = connect(url)
    database.execute_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    database.close()


def through_consumer():
    """The national batches as background jobs run by a real consumer process."""
    from models import User
    from models.jobs import Job
    from services import jobs

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        config = dict(_config(tmp), QUEUE_URL=f"sqlite:///{tmp}/queue.sqlite3")
        if os.environ.get("PLANJST_DATABASE_URL", "").startswith("postgres"):
            config["DATABASE_URL"] = os.environ["PLANJST_DATABASE_URL"]
            _emptied_postgres(config["DATABASE_URL"])
        results["database"] = config["DATABASE_URL"].split(":", 1)[0]
        started = time.perf_counter()
        _flask(config, "init-db")
        _flask(config, "seed-scale", "--jsts", str(JSTS))
        app = create_app(dict(config, QUEUE_IMMEDIATE=False))
        with app.app_context():
            db.connect(reuse_if_open=True)
            _fill_participants()
            actor = User.select().where(User.role == "coordinator").first() or User.create(
                email="koordynator@example.org", full_name="Koordynator Testowy", role="coordinator"
            )
            db.close()
        results["seed_seconds"] = round(time.perf_counter() - started, 1)
        env = dict(os.environ, **{f"PLANJST_{k}": v for k, v in config.items()})
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", "worker", "--workers", "1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port = _free_port()
        web = _gunicorn(env, port)
        try:
            # the baseline: /healthz with no job running (the machine may be busy with others)
            with _Pinger(f"http://127.0.0.1:{port}/healthz") as pinger:
                time.sleep(15)
            results["healthz_without_job"] = pinger.figures()
            results["healthz_without_job"]["load_average"] = round(os.getloadavg()[0], 2)
            with app.app_context():
                for name, kind, params in JOB_CASES:
                    with _Pinger(f"http://127.0.0.1:{port}/healthz") as pinger:
                        results[name] = _job(jobs, Job, actor, kind, params, worker.pid)
                    results[name]["healthz_during_job"] = pinger.figures()
                    results[name]["load_average"] = round(os.getloadavg()[0], 2)
                    print(name, json.dumps(results[name]), file=sys.stderr, flush=True)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
            web.terminate()
            web.wait(timeout=30)
    results["load_average_at_end"] = os.getloadavg()[0]  # the machine is shared
    return results


def _job(jobs, Job, actor, kind, params, pid):
    db.connect(reuse_if_open=True)
    cpu = _cpu_of(pid)
    started = time.perf_counter()
    job = jobs.start(kind, params, actor)
    start_ms = (time.perf_counter() - started) * 1000
    db.close()
    peak = 0.0
    while True:
        peak = max(peak, _rss_mb(pid))
        db.connect(reuse_if_open=True)
        job = Job.get_by_id(job.id)
        db.close()
        if job.state not in ("queued", "running"):
            break
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    cpu = _cpu_of(pid) - cpu
    result = {
        "state": job.state,
        "worker_cpu_seconds": round(cpu, 2),
        "queued_seconds": round((job.started_at - job.created_at).total_seconds(), 2)
        if job.started_at
        else None,
        "documents": job.total,
        "seconds": round(seconds, 2),
        "documents_per_second": round(job.total / seconds, 1) if job.total else None,
        "start_ms": round(start_ms, 1),
        "worker_rss_peak_sampled_mb": round(peak, 1),
        "bytes": job.result_size,
    }
    if job.state != "done":
        result["error"] = job.error
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--national", action="store_true", help="only the national batches")
    parser.add_argument("--consumer", action="store_true", help="the national batches as jobs")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(case(args.case, json.loads(args.config))))
        return
    if args.consumer:
        print(json.dumps({"national_jobs": through_consumer()}, indent=2))
        return
    results = {} if args.national else rendering()
    results["national"] = national()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
