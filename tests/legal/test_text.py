"""The plain-text format of the legal pages: paragraphs, headings, lists and links, and nothing
a text could inject."""

from legal.text import render_legal_text


def test_blank_lines_make_paragraphs_and_line_breaks_stay():
    assert render_legal_text("Erste Zeile\nzweite Zeile\n\nNeuer Absatz") == (
        "<p>Erste Zeile<br>zweite Zeile</p>\n<p>Neuer Absatz</p>")


def test_headings_and_lists():
    html = render_legal_text("## Rechte\n\n- Auskunft\n- Löschung\n\n### Beschwerde")
    assert html == "<h2>Rechte</h2>\n<ul><li>Auskunft</li><li>Löschung</li></ul>\n<h3>Beschwerde</h3>"


def test_addresses_become_links():
    html = render_legal_text("Siehe https://lbit.hessen.de oder datenschutz@example.org")
    assert '<a href="https://lbit.hessen.de" rel="nofollow">https://lbit.hessen.de</a>' in html
    assert '<a href="mailto:datenschutz@example.org">datenschutz@example.org</a>' in html


def test_markup_is_escaped_everywhere():
    html = render_legal_text('## <img src=x onerror=alert(1)>\n\n- <b>fett</b>\n\n<script>alert("x")</script>')
    assert "<img" not in html and "<b>" not in html and "<script>" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;fett&lt;/b&gt;" in html
