"""Document rendering: our render (sandbox, strict, template from the database or file) next to
a bare DocxTemplate render+save of the same template and context, and batch ZIPs (seconds and
peak traced memory). Prints JSON."""

import io
import json
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docxtpl import DocxTemplate  # noqa: E402

from app import create_app  # noqa: E402
from models import db, migrate  # noqa: E402
from services import documents  # noqa: E402


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
    size = sum(len(chunk) for chunk in documents.zip_stream(kind, items, template))
    seconds = time.perf_counter() - started
    tracemalloc.start()  # a second pass: tracing slows rendering down
    for _chunk in documents.zip_stream(kind, items, template):
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "documents": count,
        "seconds": round(seconds, 2),
        "zip_mb": round(size / 2**20, 2),
        "peak_traced_mb": round(peak / 2**20, 1),
    }


def main():
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
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
