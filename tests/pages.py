"""Read a page as a browser would: its links and its forms with the values they would submit."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str
    fields: dict = field(default_factory=dict)  # name → value a browser would submit


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.forms = [], []
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self.forms.append(Form(a.get("action") or "", (a.get("method") or "get").lower()))
        elif not self.forms:
            return
        elif tag == "option" and self._select:
            fields = self.forms[-1].fields
            if "selected" in a or self._select not in fields:  # else the first option
                fields[self._select] = a.get("value") or ""
        elif "name" not in a:
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self.forms[-1].fields[a["name"]] = a.get("value") or ""
        elif tag == "textarea":
            self._textarea = a["name"]
            self.forms[-1].fields[a["name"]] = ""
        elif tag == "select":
            self._select = a["name"]

    def handle_data(self, data):
        if self._textarea:
            self.forms[-1].fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            fields = self.forms[-1].fields
            # a browser drops the newline that opens a textarea's content
            fields[self._textarea] = fields[self._textarea].removeprefix("\r\n").removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None


def parse(html):
    """(links [href], forms [Form]) of a page."""
    page = _Page()
    page.feed(html)
    page.close()
    return page.links, page.forms


def form_with(html, name):
    """The first form of the page that has a field `name`."""
    return next(f for f in parse(html)[1] if name in f.fields)
