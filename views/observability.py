"""What operators and the support desk see: one JSON line per request (time, request id, user id
— never a name, e-mail or PESEL —, endpoint, status, duration, bytes), the request id in the
X-Request-Id header and on every error page ("kod zgłoszenia"), and /metrics for Prometheus,
answered only to the addresses in METRICS_FROM (404 to anyone else)."""

import ipaddress
import logging
import os
import sys
import time
import uuid

from flask import Blueprint, Response, abort, current_app, g, has_request_context, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from pythonjsonlogger.json import JsonFormatter

from lib import metrics
from services import monitoring

bp = Blueprint("observability", __name__)
log = logging.getLogger("planjst.request")
QUIET = {"main.healthz", "main.readyz", "observability.scrape"}  # asked every few seconds


def request_id():
    """This request's id ("" outside a request)."""
    return g.get("request_id", "") if has_request_context() else ""


_plain_record = logging.getLogRecordFactory()


def _record_with_request_id(*args, **kwargs):
    """Every log record made while a request is served names it (a traceback is found by the
    code the error page shows)."""
    record = _plain_record(*args, **kwargs)
    record.request_id = request_id()
    return record


def configure_logging(app):
    """JSON lines on standard error for this process (once per process); the planjst.*
    loggers write their INFO lines (one per request, one per job)."""
    logging.setLogRecordFactory(_record_with_request_id)
    logging.getLogger("planjst").setLevel(logging.INFO)
    # peewee's DEBUG lines carry every query's parameters — names, e-mails, searches: never
    # written, whatever level an operator gives the rest
    logging.getLogger("peewee").setLevel(logging.INFO)
    root = logging.getLogger()
    if app.testing or any(getattr(h, "planjst", False) for h in root.handlers):
        return  # tests read the records themselves (caplog)
    handler = logging.StreamHandler(sys.stderr)
    handler.planjst = True
    handler.setFormatter(
        JsonFormatter(
            "{asctime}{levelname}{name}{message}",
            style="{",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def register_observability(app):
    configure_logging(app)
    app.before_request(_start)
    app.after_request(_finish)
    app.jinja_env.globals["request_id"] = request_id  # the error pages print it
    app.register_blueprint(bp)


def _start():
    g.request_id = uuid.uuid4().hex[:16]
    g.request_started = time.perf_counter()


def _finish(response):
    started = g.pop("request_started", None)
    if started is None:
        return response
    seconds = time.perf_counter() - started
    endpoint = request.endpoint or "-"
    metrics.REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
    metrics.REQUEST_SECONDS.labels(endpoint).observe(seconds)
    response.headers["X-Request-Id"] = g.request_id
    if endpoint not in QUIET:
        user = g.get("_login_user")  # only if the request loaded it: no query for the log
        log.info(
            "request",
            extra={
                "user_id": user.id if getattr(user, "is_authenticated", False) else None,
                "endpoint": endpoint,
                "method": request.method,
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 1),
                "bytes": response.content_length,
            },
        )
    return response


# ---------- /metrics ----------


def _allowed(address):
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    networks = current_app.config["METRICS_FROM"]
    if isinstance(networks, str):
        networks = [n for n in networks.replace(",", " ").split() if n]
    return any(ip in ipaddress.ip_network(n, strict=False) for n in networks)


class _Database:
    """Gauges read from the database at each scrape (the same for every process)."""

    def collect(self):
        facts = monitoring.snapshot()
        jobs = GaugeMetricFamily(
            "planjst_jobs", "Background jobs by kind and state", labels=["kind", "state"]
        )
        for kind, state, count in facts["jobs"]:
            jobs.add_metric([kind, state], count)
        yield jobs
        yield GaugeMetricFamily(
            "planjst_job_oldest_queued_seconds",
            "Age of the oldest job still waiting in the queue (0: none)",
            value=facts["oldest_queued_seconds"],
        )
        yield GaugeMetricFamily(
            "planjst_outbox_messages", "E-mails waiting to be sent", value=facts["outbox"]
        )
        yield GaugeMetricFamily(
            "planjst_outbox_oldest_seconds",
            "Age of the oldest e-mail waiting to be sent (0: none)",
            value=facts["outbox_oldest_seconds"],
        )
        yield GaugeMetricFamily(
            "planjst_data_version",
            "The data version's counter: it rises at every committed write to a tracked table",
            value=facts["data_version"],
        )


class _ThisProcess:
    def collect(self):
        yield from REGISTRY.collect()


@bp.get("/metrics")
def scrape():
    if not _allowed(request.remote_addr):
        abort(404)
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)  # every gunicorn and job worker
    else:
        registry.register(_ThisProcess())
    registry.register(_Database())
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
