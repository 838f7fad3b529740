"""Request-level protections shared by every area: where a redirect may go, whether a request
came from our own pages, a request body that cannot be read or stored, error pages that need
no database."""

import logging
from tempfile import SpooledTemporaryFile
from urllib.parse import urlsplit

import peewee
from flask import Request, current_app, render_template, request
from werkzeug.exceptions import BadRequest, HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

log = logging.getLogger(__name__)

_DEFAULT_PORTS = {"http": 80, "https": 443}


# ---------- redirects ----------


def safe_next(target):
    """`target` when it is a path on this site as a browser would read it, else None.
    Browsers drop tabs and newlines anywhere in a URL and read a backslash as a slash, so
    `/\\t/evil.example` and `/\\evil.example` lead to another site: any control character,
    whitespace or backslash makes the target unusable, as does anything with a host."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if any(ch == "\\" or ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


# ---------- where a request came from ----------


def _origin(url):
    try:
        parts = urlsplit(url)
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme)
    except ValueError:  # a port that is no number
        return None
    if not parts.scheme or not parts.hostname:
        return None
    return (parts.scheme.lower(), parts.hostname.lower(), port)


def same_origin():
    """Whether this request provably came from one of our pages: its Origin (or, without one,
    its Referer) is BASE_URL's or this host's. Browsers send Origin with every form POST; a
    page of another site cannot forge it."""
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source or source == "null":
        return False
    ours = {_origin(current_app.config["BASE_URL"]), _origin(request.host_url)}
    return _origin(source) in ours - {None}


# ---------- request bodies ----------


class UploadNotStored(HTTPException):
    """The temporary directory could not take an upload (full disk, quota, I/O error)."""

    code = 503
    description = "Nie udało się zapisać pliku, proszę spróbować później."


class _UploadSpool(SpooledTemporaryFile):
    """werkzeug's spool for uploaded files (memory up to 500 KB, then a temporary file), whose
    failure to write says so instead of an OSError (a 500)."""

    def write(self, data):
        try:
            return super().write(data)
        except OSError as exc:
            log.error("upload not stored: temporary file failed (%s)", exc)
            self.close()
            raise UploadNotStored() from exc


class AppRequest(Request):
    def _get_file_stream(
        self, total_content_length, content_type, filename=None, content_length=None
    ):
        return _UploadSpool(max_size=500 * 1024, mode="rb+")


class _CheckedInput:
    """wsgi.input whose read errors (a malformed chunked body, a broken connection) are a 400,
    not an exception from the server's parser (a 500)."""

    def __init__(self, stream):
        self._stream = stream

    def _call(self, name, *args):
        try:
            return getattr(self._stream, name)(*args)
        except HTTPException:
            raise
        except Exception as exc:  # whatever the server's body parser raises
            log.warning("request body unreadable: %r", exc)
            raise BadRequest("Nie udało się odczytać treści żądania.") from exc

    def read(self, *args):
        return self._call("read", *args)

    def readline(self, *args):
        return self._call("readline", *args)

    def readlines(self, *args):
        return self._call("readlines", *args)

    def __iter__(self):
        return iter(self.readline, b"")

    def close(self):
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


class StrictInput:
    """WSGI middleware: the request body through _CheckedInput."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if "wsgi.input" in environ:
            environ["wsgi.input"] = _CheckedInput(environ["wsgi.input"])
        return self.wsgi_app(environ, start_response)


def register_hardening(app):
    """The request class and WSGI middleware every request passes (after config.configure_hosts:
    SERVED_HOST)."""
    app.request_class = AppRequest
    app.wsgi_app = HealthCheckAnyHost(StrictInput(app.wsgi_app), app.config["SERVED_HOST"])
    if app.config["PROXY_COUNT"]:
        n = int(app.config["PROXY_COUNT"])
        x_host = n if app.config["PROXY_FORWARDS_HOST"] else 0
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=x_host)


class HealthCheckAnyHost:
    """WSGI middleware: /healthz and /readyz answer whatever Host they are asked for — a load
    balancer checks each server by its address, and the answer names no host."""

    def __init__(self, wsgi_app, host):
        self.wsgi_app = wsgi_app
        self.host = host

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") in ("/healthz", "/readyz"):
            environ["HTTP_HOST"] = self.host
        return self.wsgi_app(environ, start_response)


# ---------- error pages ----------


def untrusted_host(exc):
    """A Host header outside TRUSTED_HOSTS (a forged request, or a name the configuration
    lacks): 400 with a page that builds no URL — there is no URL adapter for such a host."""
    log.warning("request for a host not served refused: %s", exc.description)
    page = current_app.jinja_env.get_template("errors/host.html").render()
    return page, 400


def _database_failed(exc):
    original = getattr(exc, "original_exception", None) or exc
    return isinstance(original, peewee.PeeweeException)


def error_page(code, title, message, exc=None):
    """The Polish error page. The full page shows the navigation (the unread count, the
    user's name…), which needs the database: when the database failed, or rendering the full
    page fails, a page that needs nothing else."""
    values = {"code": code, "title": title, "message": message}
    if not _database_failed(exc):
        try:
            return render_template("errors/error.html", **values), code
        except Exception:  # the error page must not fail: log it, show the plain one
            log.exception("error page %s could not be rendered", code)
    # straight from the environment: the context processors would load the user
    return current_app.jinja_env.get_template("errors/bare.html").render(**values), code
