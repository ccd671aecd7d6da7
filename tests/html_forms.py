"""Read a page's POST forms as a browser would submit them (for tests that post real forms)."""

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms = []  # [{"action": ..., "fields": [(name, value)]}]
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "get").lower() == "post":
                self._form = {"action": a.get("action") or "", "fields": []}
            return
        if self._form is None:
            return
        fields = self._form["fields"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            name = a.get("name")
            if not name or "disabled" in a or kind in {"submit", "button", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    fields.append((name, a.get("value", "on")))
                return
            fields.append((name, a.get("value") or ""))
        elif tag == "select":
            self._select = {"name": a.get("name"), "first": None, "chosen": []}
            if "disabled" in a:
                self._select["name"] = None
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["chosen"].append(value)
        elif tag == "textarea":
            self._textarea = [a.get("name") if "disabled" not in a else None, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if self._form is None:
            return
        fields = self._form["fields"]
        if tag == "select" and self._select is not None:
            name = self._select["name"]
            if name:
                chosen = self._select["chosen"] or [self._select["first"] or ""]
                fields.extend((name, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            if name:
                fields.append((name, text.removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self.forms.append(self._form)
            self._form = None


def post_forms(html):
    """Every POST form of the page: ``[{"action": str, "fields": [(name, value), ...]}]``."""
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def form_with_field(html, field_name):
    """The fields of the first POST form that has ``field_name``, as a dict of lists."""
    for form in post_forms(html):
        names = [name for name, _value in form["fields"]]
        if field_name in names:
            data = {}
            for name, value in form["fields"]:
                data.setdefault(name, []).append(value)
            return data
    raise AssertionError(f"No POST form with a field {field_name!r} on the page")
