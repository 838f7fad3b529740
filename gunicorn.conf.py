"""gunicorn settings read from the project directory (make run, the e2e tests, benchmarks)."""

import os

import gunicorn.http.wsgi
from prometheus_client import multiprocess

from extensions import settle

_default_headers = gunicorn.http.wsgi.Response.default_headers


def _without_server(response):
    """gunicorn's own headers without `Server: gunicorn` (it names the software to attackers)."""
    return [h for h in _default_headers(response) if not h.startswith("Server:")]


gunicorn.http.wsgi.Response.default_headers = _without_server


def post_worker_init(worker):
    settle(worker.wsgi)


def child_exit(server, worker):
    """A worker's live gauges go with it (prometheus_client's multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
