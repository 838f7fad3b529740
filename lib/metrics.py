"""What operators watch, as Prometheus metrics (prometheus_client). Counters and histograms are
recorded where things happen — in every web worker and job worker — and, when
PROMETHEUS_MULTIPROC_DIR is set (`make run`, gunicorn.conf.py), written to files there so that
one scrape sums every process; what the database knows (jobs by state, the outbox, the data
version) is read at scrape time (views/observability.py)."""

import os

from prometheus_client import Counter, Histogram

if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # each process writes its file there
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

REQUESTS = Counter(
    "planjst_requests_total", "HTTP requests answered", ["endpoint", "method", "status"]
)
REQUEST_SECONDS = Histogram(
    "planjst_request_seconds",
    "Time to answer an HTTP request",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
JOB_SECONDS = Histogram(
    "planjst_job_seconds",
    "Time a background job ran, by kind and how it ended",
    ["kind", "outcome"],
    buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800),
)
JOB_WAIT_SECONDS = Histogram(
    "planjst_job_queue_wait_seconds",
    "Time a background job waited in the queue before a worker took it",
    ["kind"],
    buckets=(0.05, 0.25, 1, 5, 15, 60, 300, 900, 3600),
)
PDF_SECONDS = Histogram(
    "planjst_pdf_conversion_seconds",
    "Time one LibreOffice start took to convert its documents",
    ["outcome"],
    buckets=(0.5, 1, 2.5, 5, 10, 20, 60, 120, 300),
)
PDF_DOCUMENTS = Counter("planjst_pdf_documents_total", "Documents converted to PDF", ["outcome"])
FAILED_LOGINS = Counter("planjst_failed_logins_total", "Refused logins (wrong password, throttled)")
