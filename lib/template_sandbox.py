"""Resource limits for the Jinja sandbox that fills .docx templates (uploaded ones are untrusted).

Jinja's sandbox keeps a template away from Python's internals, not from the machine's time and
memory: `{{ 'x'*10000000 }}` took 11 s, nested `range` loops of 3·10⁶ iterations 9.4 s. Here,
per render (one part of a document; or, under `limits`, all renders of an upload's check):
- at most MAX_STEPS loop iterations, calls, filters and operators, and a deadline;
- no text, list or number bigger than MAX_VALUE characters / items (MAX_BITS bits): checked
  before it is built where its size follows from the operands — `*`, `**`, `~`, `+`,
  center/ljust/indent widths, join, replace, format widths — and after every call and filter;
- range() of at most MAX_RANGE numbers; no lipsum(); no str.translate / expandtabs;
- at most MAX_OUTPUT characters of output; endless recursion (a macro or a recursive loop
  calling itself) is reported as such.
A breach raises TemplateLimitExceeded (a SecurityError, so a TemplateError) saying in Polish
which limit was reached.
"""

import inspect
import re
import time
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from jinja2 import nodes, pass_context
from jinja2.runtime import markup_join, str_join
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from jinja2.visitor import NodeTransformer
from markupsafe import soft_str

MAX_STEPS = 100_000
MAX_VALUE = 1_000_000
MAX_BITS = 100_000
MAX_WIDTH = 10_000
MAX_RANGE = 10_000
MAX_OUTPUT = 20_000_000
RENDER_SECONDS = 10  # one render of a document
UPLOAD_SECONDS = 5  # all test renders of an uploaded template


def _n(number):
    return f"{number:,}".replace(",", " ")


class TemplateLimitExceeded(SecurityError):
    """The message (Polish) says which limit the template reached."""


class _Budget:
    def __init__(self, seconds):
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.steps = 0
        self.output = 0

    def step(self):
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise TemplateLimitExceeded(
                "szablon wykonuje zbyt wiele kroków — powtórzeń pętli, wywołań i działań "
                f"(ponad {_n(MAX_STEPS)})"
            )
        if time.monotonic() > self.deadline:
            raise TemplateLimitExceeded(
                f"wypełnianie szablonu trwa zbyt długo (ponad {self.seconds} s)"
            )


_budget = ContextVar("template_budget", default=None)


@contextmanager
def limits(seconds):
    """One budget (steps, output, `seconds`) for every render inside the block."""
    token = _budget.set(_Budget(seconds))
    try:
        yield
    except RecursionError as exc:
        raise _too_deep() from exc
    finally:
        _budget.reset(token)


def _current():
    return _budget.get() or _Budget(RENDER_SECONDS)


def _too_deep():
    return TemplateLimitExceeded("szablon wywołuje sam siebie zbyt wiele razy (rekurencja)")


def _too_big():
    return TemplateLimitExceeded(
        f"szablon tworzy zbyt długi tekst lub listę (ponad {_n(MAX_VALUE)} znaków lub elementów)"
    )


def _check_size(size):
    if size > MAX_VALUE:
        raise _too_big()


def _checked(value):
    """`value`, unless it is too big."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if value.bit_length() > MAX_BITS:
            raise TemplateLimitExceeded("szablon tworzy zbyt dużą liczbę")
    elif isinstance(value, (str, list, tuple, dict, set)):
        _check_size(len(value))
    return value


def _check_width(number):
    if isinstance(number, int) and number > MAX_WIDTH:
        raise TemplateLimitExceeded(f"szablon podaje zbyt dużą szerokość (ponad {_n(MAX_WIDTH)})")


_PERCENT = re.compile(r"%(?:\([^)]*\))?[#0 +\-]*(\*|\d*)(?:\.(\*|\d*))?")
_BRACE = re.compile(r"\{[^{}]*:([^{}]*)(\{?)")


def _check_format(text):
    """Field widths in "%0999999999d" % x and "{:>999999999}".format(x) build huge text."""
    numbers = [n for match in _PERCENT.finditer(text) for n in match.groups() if n]
    for spec, nested in _BRACE.findall(text):
        if nested:
            numbers.append("*")  # a width taken from the arguments
        numbers += re.findall(r"\d+", spec)
    for number in numbers:
        if number == "*" or len(number) > 6 or int(number) > MAX_WIDTH:
            raise TemplateLimitExceeded(
                f"szablon podaje zbyt dużą lub zmienną szerokość pola w formacie „{text[:40]}”"
            )


def _replaced_size(text, old, new):
    return len(text) + text.count(old) * len(new) if isinstance(new, str) else 0


# ---------- filters: checked before (by argument name) and after ----------


def _before_filter(name, args):
    """Checks of a filter's bound arguments; may replace an argument (a one-pass iterator)."""
    if name in ("center", "batch", "slice"):
        _check_width(args.get("width", args.get("linecount", args.get("slices"))))
    elif name == "indent":
        width, text = args["width"], soft_str(args["s"])
        _check_width(width)
        if isinstance(width, str):
            _check_size(len(width) * (text.count("\n") + 1) + len(text))
    elif name == "wordwrap" and isinstance(args.get("wrapstring"), str):
        _check_size(len(soft_str(args["s"])) * (len(args["wrapstring"]) + 1))
    elif name == "join":
        args["value"] = items = list(args["value"])
        _check_size(len(soft_str(args["d"])) * len(items))
    elif name == "replace":
        _check_size(_replaced_size(soft_str(args["s"]), soft_str(args["old"]), args["new"]))
    elif name == "format" and isinstance(args["value"], str):
        _check_format(args["value"])


def _limited_filter(name, func):
    signature = inspect.signature(func)

    @wraps(func)
    def limited(*args, **kwargs):
        _current().step()
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        _before_filter(name, bound.arguments)
        return _checked(func(*bound.args, **bound.kwargs))

    return limited


@pass_context
def _counted(_context, iterable):
    """Every loop iterates through this: each item is a step."""
    budget = _current()
    for item in iterable:
        budget.step()
        yield item


@pass_context
def _joined(context, items):
    """The `~` operator: joined only if the result is not too long."""
    items = [soft_str(item) for item in items]
    _check_size(sum(len(item) for item in items))
    return (markup_join if context.eval_ctx.autoescape else str_join)(items)


def _range(*args):
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise TemplateLimitExceeded(f"range() może dać najwyżej {_n(MAX_RANGE)} liczb")
    return numbers


class _Limiter(NodeTransformer):
    """Every `for` loop counts its iterations; every `~` checks its length."""

    def visit_For(self, node):
        node = self.generic_visit(node)
        node.iter = nodes.Filter(node.iter, "_counted", [], [], None, None, lineno=node.lineno)
        return node

    def visit_Concat(self, node):
        node = self.generic_visit(node)
        joined = nodes.List(node.nodes, lineno=node.lineno)
        return nodes.Filter(joined, "_joined", [], [], None, None, lineno=node.lineno)


_STR_BLOCKED = {"translate", "maketrans", "expandtabs"}  # output unbounded by their arguments
_STR_WIDTH = {"center", "ljust", "rjust", "zfill"}


class LimitedSandbox(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.globals["range"] = _range
        self.globals.pop("lipsum", None)
        self.filters = {name: _limited_filter(name, f) for name, f in self.filters.items()}
        self.filters["_counted"] = _counted
        self.filters["_joined"] = _joined

    def _parse(self, source, name, filename):
        tree = _Limiter().visit(super()._parse(source, name, filename))
        tree.set_environment(self)
        return tree

    def concat(self, chunks):
        """The output of a render (and of each macro or block in it), counted as it is made."""
        budget, token = _budget.get(), None
        if budget is None:  # a render of its own, not inside `limits`
            budget = _Budget(RENDER_SECONDS)
            token = _budget.set(budget)
        try:
            parts = []
            for chunk in chunks:
                budget.output += len(chunk)
                if budget.output > MAX_OUTPUT:
                    raise TemplateLimitExceeded(
                        f"wypełniony szablon byłby zbyt duży (ponad {_n(MAX_OUTPUT)} znaków)"
                    )
                parts.append(chunk)
            return "".join(parts)
        except RecursionError as exc:
            if token is None:
                raise
            raise _too_deep() from exc
        finally:
            if token is not None:
                _budget.reset(token)

    def is_safe_attribute(self, obj, attr, value):
        if isinstance(obj, str) and attr in _STR_BLOCKED:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context, operator, left, right):
        _current().step()
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int):
                    _check_size(len(seq) * times)
        elif operator == "**":
            if isinstance(left, int) and isinstance(right, int) and right > 0:
                if abs(left) > 1 and abs(left).bit_length() * right > MAX_BITS:
                    raise TemplateLimitExceeded("szablon tworzy zbyt dużą liczbę")
        elif operator == "%" and isinstance(left, str):
            _check_format(left)
        return _checked(super().call_binop(context, operator, left, right))

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own signature)
        _current().step()
        for value in (*args, *kwargs.values()):
            if isinstance(value, (str, list, tuple, dict, set)):
                _check_size(len(value))
        method = getattr(__obj, "__wrapped__", __obj)  # str.format comes wrapped by the sandbox
        owner, name = getattr(method, "__self__", None), getattr(method, "__name__", "")
        if isinstance(owner, (list, dict, set)):
            _check_size(len(owner))
        if isinstance(owner, str):
            if name in _STR_WIDTH:
                for value in args:
                    _check_width(value)
            elif name == "replace" and len(args) >= 2:
                _check_size(_replaced_size(owner, soft_str(args[0]), args[1]))
            elif name == "join" and args:
                args = (list(args[0]), *args[1:])
                _check_size(len(owner) * len(args[0]))
            elif name in ("format", "format_map"):
                _check_format(owner)
        return _checked(super().call(__context, __obj, *args, **kwargs))
