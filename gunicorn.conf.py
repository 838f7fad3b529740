"""gunicorn settings read from the project directory (make run, the e2e tests, benchmarks)."""

from extensions import settle


def post_worker_init(worker):
    settle(worker.wsgi)
