"""View tests of the grants app. `page_elements` reads a rendered page so that a test can
check *where* something is shown (an error beside its field), not only that it is there."""

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Element:
    def __init__(self, tag, attrs):
        self.tag = tag
        self.attrs = dict(attrs)
        self.text = ""


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.by_id: dict[str, _Element] = {}
        self.elements: list[_Element] = []
        self._open: list[_Element] = []

    def handle_starttag(self, tag, attrs):
        element = _Element(tag, attrs)
        self.elements.append(element)
        if "id" in element.attrs:
            self.by_id[element.attrs["id"]] = element
        if tag not in VOID:
            self._open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self._open.pop()

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                del self._open[index:]
                break

    def handle_data(self, data):
        for element in self._open:
            element.text += data


def page_elements(response) -> _Collector:
    collector = _Collector()
    collector.feed(response.content.decode())
    return collector


def error_beside(response, field_id: str) -> str:
    """The error text shown for a form field, which the field names in aria-describedby."""
    page = page_elements(response)
    field = page.by_id[field_id]
    error_id = f"{field_id}_error"
    assert error_id in field.attrs.get("aria-describedby", "").split(), f"{field_id} verweist nicht auf {error_id}"
    assert field.attrs.get("aria-invalid") == "true"
    return " ".join(page.by_id[error_id].text.split())
