"""The plain-text format of the legal pages, rendered to safe HTML.

The programme administration types plain text, never HTML: a blank line starts a paragraph,
"## " a heading, "### " a sub-heading, lines beginning with "- " form a list; addresses
(https://…, www.…, e-mail addresses) become links. Everything else is escaped, so a text can
never inject markup or script.
"""

from django.utils.html import conditional_escape, format_html, format_html_join, urlize
from django.utils.safestring import SafeString, mark_safe

HEADINGS = (("### ", "h3"), ("## ", "h2"))


def _inline(line: str) -> SafeString:
    # urlize escapes the text around the links it makes (autoescape=True).
    return mark_safe(urlize(line.strip(), nofollow=True, autoescape=True))


def _block(lines: list[str]) -> SafeString:
    first = lines[0]
    for prefix, tag in HEADINGS:
        if len(lines) == 1 and first.startswith(prefix):
            return format_html("<{}>{}</{}>", mark_safe(tag), _inline(first[len(prefix):]), mark_safe(tag))
    if all(line.startswith("- ") for line in lines):
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((_inline(line[2:]),) for line in lines)))
    return format_html("<p>{}</p>", mark_safe("<br>".join(conditional_escape(_inline(line)) for line in lines)))


def blocks(text: str) -> list[list[str]]:
    """The text's blocks: runs of non-empty lines, trailing spaces removed."""
    found: list[list[str]] = []
    current: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.rstrip()
        if line.strip():
            current.append(line.lstrip())
        elif current:
            found.append(current)
            current = []
    if current:
        found.append(current)
    return found


def render_legal_text(text: str) -> SafeString:
    return mark_safe("\n".join(_block(lines) for lines in blocks(text)))
