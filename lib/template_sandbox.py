"""Resource limits for the Jinja sandbox that fills .docx templates (uploaded ones are untrusted).

Jinja's sandbox keeps a template away from Python's internals, not from the machine's time and
memory: `{{ 'x'*10000000 }}` took 11 s, nested `range` loops of 3·10⁶ iterations 9.4 s. Here,
per render (one part of a document; or, under `limits`, all renders of an upload's check):
- at most MAX_STEPS loop iterations, calls, filters and operators, and a deadline;
- no text, list or number bigger than MAX_VALUE characters / items (MAX_BITS bits): checked
  before it is built where its size follows from the operands — `*`, `**`, `~`, `+`,
  center/ljust/indent widths, join, replace, format widths — and after every call and filter;
- a list, tuple or dict counts everything it holds, however deep and however often the same
  list is held (`[a]*100` with a list `a` of 10 000 items is 10⁶), when it is written in the
  template and after every operator, call and filter;
- range() of at most MAX_RANGE numbers; no lipsum(); no str.translate / expandtabs;
- at most MAX_OUTPUT characters of output; endless recursion (a macro or a recursive loop
  calling itself) is reported as such.
A breach raises TemplateLimitExceeded (a SecurityError, so a TemplateError) saying in Polish
which limit was reached.

What a template may touch is an allow-list, not a deny-list: the data methods of plain values
(str, dict, list, tuple) and of Jinja's own loop helpers, nothing of any other object — a
docxtpl InlineImage's `.tpl` was the whole DocxTemplate, whose methods read and wrote server
files (audit finding). Images reach a template as `Image`, which prints itself and has no
attribute a template can read.
"""

import inspect
import json
import os
import re
import resource
import select
import signal
import time
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from jinja2 import nodes, pass_context
from jinja2.filters import _GroupTuple
from jinja2.runtime import LoopContext, markup_join, str_join
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from jinja2.utils import Cycler, Namespace
from jinja2.visitor import NodeTransformer
from markupsafe import soft_str

MAX_STEPS = 100_000
MAX_VALUE = 1_000_000
MAX_BITS = 100_000
MAX_WIDTH = 10_000
MAX_RANGE = 10_000
MAX_OUTPUT = 20_000_000
MAX_IMAGES = 100  # images printed in one render (each is a drawing, ~3 ms in docxtpl)
MAX_WRAPPED = 20_000  # characters wordwrap may take (its cost grows with the square)
RENDER_SECONDS = 10  # one render of a document
UPLOAD_SECONDS = 4  # all test renders of an uploaded template (the budget it reports)
UPLOAD_KILL_SECONDS = 5  # … and when the process that runs them is killed, whatever it does
UPLOAD_MEMORY = 512 * 1024 * 1024  # bytes of memory the test renders may take


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
        self.images = 0

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


_DICT_VIEWS = (type({}.keys()), type({}.values()), type({}.items()))
_CONTAINERS = (list, tuple, dict, set, frozenset, Namespace, *_DICT_VIEWS)


def _members(value):
    if isinstance(value, Namespace):  # what the template put in it
        value = object.__getattribute__(value, "_Namespace__attrs")
    if isinstance(value, dict):
        return [*value.keys(), *value.values()]
    return list(value) if isinstance(value, _DICT_VIEWS) else value


def _leaf_size(value):
    return len(value) if isinstance(value, str) else 1


def deep_size(root):
    """The items and characters `root` holds, counted as it prints: a list that holds the same
    list 100 times counts it 100 times (`[a]*100` copies references only, but prints — and
    costs — a hundred copies). Counted without recursion (a template can nest deeply), each
    container once; a container that holds itself counts once. TemplateLimitExceeded as soon as
    the count passes MAX_VALUE."""
    if not isinstance(root, _CONTAINERS):
        return _leaf_size(root)
    sizes, members_of = {}, {}  # members_of keeps the tuples a view made alive (their ids)
    stack = [(root, False)]
    while stack:
        value, children_done = stack.pop()
        key = id(value)
        if children_done:
            members = members_of[key]  # kept to the end: no id is reused meanwhile
            total = len(members)
            for member in members:
                total += (
                    sizes.get(id(member), 0)
                    if isinstance(member, _CONTAINERS)
                    else _leaf_size(member)
                )
            _check_size(total)
            sizes[key] = total
        elif key not in sizes:
            sizes[key] = 0  # being counted: a container inside itself adds nothing more
            members_of[key] = members = _members(value)
            stack.append((value, True))
            stack.extend(
                (member, False)
                for member in members
                if isinstance(member, _CONTAINERS) and id(member) not in sizes
            )
    return sizes[id(root)]


def _checked(value):
    """`value`, unless it is too big."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if value.bit_length() > MAX_BITS:
            raise TemplateLimitExceeded("szablon tworzy zbyt dużą liczbę")
    elif isinstance(value, str):
        _check_size(len(value))
    elif isinstance(value, _CONTAINERS):
        deep_size(value)
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
    elif name == "wordwrap":
        text = soft_str(args["s"])
        if len(text) > MAX_WRAPPED:
            raise TemplateLimitExceeded(
                f"szablon zawija zbyt długi tekst (ponad {_n(MAX_WRAPPED)} znaków)"
            )
        if isinstance(args.get("wrapstring"), str):
            _check_size(len(text) * (len(args["wrapstring"]) + 1))
    elif name == "join":
        args["value"] = items = list(args["value"])
        _check_size(len(soft_str(args["d"])) * len(items))
        budget = _current()
        for _item in items:  # each item is printed: a step each
            budget.step()
    elif name == "sum" and not isinstance(args["start"], (int, float)):
        # a list start adds lists: each addition copies all before it (the square of the size)
        raise TemplateLimitExceeded("sum() może dodawać tylko liczby")
    elif name in ("string", "pprint", "tojson", "list", "unique", "sort", "dictsort"):
        deep_size(args.get("value", args.get("s")))
    elif name == "replace":
        _check_size(_replaced_size(soft_str(args["s"]), soft_str(args["old"]), args["new"]))
    elif name == "format" and isinstance(args["value"], str):
        _check_format(args["value"])


def _limited_filter(name, func):
    signature = inspect.signature(func)
    # Jinja's async variants (list, first, sum, map …) take the environment first although the
    # function they wrap, whose signature this is, does not
    first = next(iter(signature.parameters), "")
    extra = int(
        getattr(func, "jinja_pass_arg", None) is not None
        and first not in ("environment", "context", "eval_ctx")
    )

    @wraps(func)
    def limited(*args, **kwargs):
        _current().step()
        bound = signature.bind(*args[extra:], **kwargs)
        bound.apply_defaults()
        _before_filter(name, bound.arguments)
        return _checked(func(*args[:extra], *bound.args, **bound.kwargs))

    return limited


@pass_context
def _counted(_context, iterable):
    """Every loop iterates through this: each item is a step."""
    budget = _current()
    for item in iterable:
        budget.step()
        yield item


def _sized(value):
    """A list, tuple or dict written in the template (`[a, a]` in a loop doubles)."""
    return _checked(value)


@pass_context
def _joined(context, items):
    """The `~` operator: joined only if the result is not too long."""
    items = [soft_str(item) for item in items]
    _check_size(sum(len(item) for item in items))
    return (markup_join if context.eval_ctx.autoescape else str_join)(items)


def _finalized(value):
    """Every {{ … }} measures what it prints before it becomes text."""
    if isinstance(value, _CONTAINERS):
        deep_size(value)
    return value


@contextmanager
def document_limits():
    """One budget (RENDER_SECONDS, steps, output, images) for all the parts of one document —
    body, headers, footers, properties — unless a budget is open already (an upload's check)."""
    if _budget.get() is not None:
        yield
        return
    with limits(RENDER_SECONDS):
        yield


def _range(*args):
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise TemplateLimitExceeded(f"range() może dać najwyżej {_n(MAX_RANGE)} liczb")
    return numbers


class _Limiter(NodeTransformer):
    """Every `for` loop counts its iterations; every `~` checks its length; every list, tuple
    and dict written in the template checks what it holds."""

    def visit_For(self, node):
        node = self.generic_visit(node)
        node.iter = nodes.Filter(node.iter, "_counted", [], [], None, None, lineno=node.lineno)
        return node

    def visit_Concat(self, node):
        node = self.generic_visit(node)
        joined = nodes.List(node.nodes, lineno=node.lineno)
        return nodes.Filter(joined, "_joined", [], [], None, None, lineno=node.lineno)

    def _sized(self, node):
        node = self.generic_visit(node)
        if getattr(node, "ctx", "load") != "load":  # `for a, b in …`: a target, not a value
            return node
        return nodes.Filter(node, "_sized", [], [], None, None, lineno=node.lineno)

    visit_List = visit_Tuple = visit_Dict = _sized

    def visit_ScopedEvalContextModifier(self, node):
        raise TemplateLimitExceeded(
            "szablon nie może wyłączać zabezpieczenia znaków ({% autoescape %})"
        )

    visit_EvalContextModifier = visit_ScopedEvalContextModifier


_STR_WIDTH = {"center", "ljust", "rjust", "zfill"}
# what a template may read of a value, by its type (the first that matches); nothing of any other
# type. No str.translate / maketrans / expandtabs: their output is unbounded by their arguments;
# no list or dict method that changes it (`l.extend(l)` doubles it).
_ALLOWED = (
    (
        str,
        frozenset(
            "capitalize casefold center count endswith find format format_map index isalnum "
            "isalpha isdecimal isdigit islower isnumeric isspace istitle isupper join ljust "
            "lower lstrip partition removeprefix removesuffix replace rfind rindex rjust "
            "rpartition rsplit rstrip split splitlines startswith strip swapcase title upper "
            "zfill".split()
        ),
    ),
    (dict, frozenset({"get", "items", "keys", "values"})),
    (_GroupTuple, frozenset({"grouper", "list", "count", "index"})),
    ((list, tuple), frozenset({"count", "index"})),
    (
        LoopContext,
        frozenset(
            "index index0 revindex revindex0 first last length depth depth0 previtem nextitem "
            "cycle changed".split()
        ),
    ),
    (Cycler, frozenset({"next", "current", "reset"})),
)


def is_allowed_attribute(obj, attr):
    """May a template read `attr` of `obj`? (an allow-list by type; see the module's doc)"""
    if attr.startswith("_"):
        return False
    if isinstance(obj, Namespace):  # {% set ns = namespace(…) %}: what the template put there
        return True
    for kinds, names in _ALLOWED:
        if isinstance(obj, kinds):
            return attr in names
    return False


class Image:
    """An image as a template sees it: it prints its drawing and has nothing else to read.
    `drawing` (kept out of the template's reach) gives the XML when the template prints it."""

    __slots__ = ("_drawing",)

    def __init__(self, drawing):
        self._drawing = drawing

    def __html__(self):
        budget = _current()
        budget.images += 1
        if budget.images > MAX_IMAGES:
            raise TemplateLimitExceeded(
                f"szablon wstawia obrazy zbyt wiele razy (ponad {MAX_IMAGES})"
            )
        return self._drawing()

    __str__ = __html__


class LimitedSandbox(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.globals["range"] = _range
        self.globals.pop("lipsum", None)
        self.filters = {name: _limited_filter(name, f) for name, f in self.filters.items()}
        self.filters["_counted"] = _counted
        self.filters["_joined"] = _joined
        self.filters["_sized"] = _sized
        # what a template prints is escaped for the document's XML, always: no `safe`, and no
        # {% autoescape false %} (see _Limiter) — either would let it write any XML (a field
        # that fetches a picture, a linked image) after the upload's check
        del self.filters["safe"]
        self.finalize = _finalized

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
        return is_allowed_attribute(obj, attr)

    def call_binop(self, context, operator, left, right):
        _current().step()
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int):
                    _check_size(max(len(seq), deep_size(seq)) * times)
        elif operator == "**":
            if isinstance(left, int) and isinstance(right, int) and right > 0:
                if abs(left) > 1 and abs(left).bit_length() * right > MAX_BITS:
                    raise TemplateLimitExceeded("szablon tworzy zbyt dużą liczbę")
        elif operator == "%" and isinstance(left, str):
            _check_format(left)
            deep_size(right)
        return _checked(super().call_binop(context, operator, left, right))

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own signature)
        _current().step()
        for value in (*args, *kwargs.values()):
            _checked(value)
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


# ---------- a check run where it can be killed ----------


class IsolatedFailure(Exception):
    """The isolated check was stopped; the message (Polish) says why."""


def _limit_memory(extra):
    """This process may take `extra` bytes of address space more than it has now."""
    with open("/proc/self/status") as status:
        size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = size + extra
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def isolated(func):
    """func() (returning a str or None) run in a forked child process that is killed after
    UPLOAD_KILL_SECONDS and may take UPLOAD_MEMORY bytes more: what the limits above miss (an
    interpreter that never returns to the sandbox, memory they do not count) cannot take the web
    worker with it. Forked, not started afresh: a new interpreter's imports alone cost about 1 s
    of CPU, a fifth of the budget; the child only renders in memory and touches no connection of
    its parent (it leaves by os._exit). IsolatedFailure when the child is killed or dies."""
    seconds, memory = UPLOAD_KILL_SECONDS, UPLOAD_MEMORY
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        try:
            os.close(read_end)
            _limit_memory(memory)
            try:
                result = {"value": func()}
            except MemoryError:
                result = {"memory": True}
            os.write(write_end, json.dumps(result).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    deadline = time.monotonic() + seconds
    chunks, finished = [], False
    try:
        while not finished:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([read_end], [], [], left)[0]:
                break
            chunk = os.read(read_end, 65536)
            chunks.append(chunk)
            finished = not chunk
    finally:
        os.close(read_end)
        if not finished:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    if not finished:
        raise IsolatedFailure(f"wypełnianie szablonu trwa zbyt długo (ponad {_n(seconds)} s)")
    try:
        result = json.loads(b"".join(chunks))
    except ValueError:
        result = {"memory": True}  # died without a word: the allocator could not go on
    if result.get("memory"):
        raise IsolatedFailure(
            "wypełnianie szablonu zajmuje zbyt dużo pamięci "
            f"(ponad {_n(memory // 1024 // 1024)} MB)"
        )
    return result["value"]
