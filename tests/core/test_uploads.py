"""Uploads are parsed as PDF: a file that only looks like one (an HTML page with a PDF header and
trailer) or that carries active content is refused with a German reason; an uploaded file is
downloaded only as an attachment of type application/pdf, never sniffed, under a sanitised name
ending in `.pdf`."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from core.errors import FieldErrors
from core.uploads import check_pdf_upload, pdf_content_disposition, pdf_download_name
from tests import factories

NOT_A_PDF = "Die Datei ist kein gültiges PDF-Dokument. Bitte nur PDF-Dateien hochladen."
ACTIVE = "enthält aktive Inhalte"


def written(change) -> bytes:
    """A one-page PDF written by pypdf after `change(writer)`."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def action(kind: str, **entries) -> DictionaryObject:
    return DictionaryObject({NameObject("/S"): NameObject(kind),
                             **{NameObject(f"/{key}"): value for key, value in entries.items()}})


def open_action(kind, **entries):
    return lambda writer: writer._root_object.__setitem__(NameObject("/OpenAction"), action(kind, **entries))


def page_entry(name, value):
    return lambda writer: writer.pages[0].__setitem__(NameObject(name), value)


def refusal(content: bytes) -> str:
    with pytest.raises(FieldErrors) as caught:
        check_pdf_upload(content)
    return caught.value.errors["file"][0]


def test_a_real_pdf_is_accepted():
    check_pdf_upload(factories.PDF)
    check_pdf_upload(written(lambda writer: writer.add_metadata({"/Title": "Stellenplan 2026"})))


@pytest.mark.parametrize("content", [
    b"%PDF-1.4\n<html><body><script>fetch('/konto/')</script></body></html>\n%%EOF\n",
    b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<</Root 1 0 R>>\n<script>alert(document.cookie)</script>\n%%EOF\n",
    b"%PDF-1.4\n" + b"0" * 200 + b"\n%%EOF\n",
    factories.PDF[:200],  # cut off
    b"GIF89a%PDF-1.4\n%%EOF\n",
], ids=["html-with-pdf-header-and-trailer", "script-after-a-fake-trailer", "filler", "truncated", "gif"])
def test_a_file_that_does_not_parse_as_pdf_is_refused(content):
    assert refusal(content) == NOT_A_PDF


def test_a_pdf_whose_markup_a_browser_would_sniff_as_html_is_refused():
    content = factories.PDF.replace(b"%\xe2\xe3\xcf\xd3\n", b"%<html><script>alert(1)</script>\n")
    assert refusal(content) == NOT_A_PDF


@pytest.mark.parametrize("change", [
    lambda writer: writer._root_object.__setitem__(NameObject("/Names"), DictionaryObject({
        NameObject("/JavaScript"): DictionaryObject({NameObject("/Names"): ArrayObject([
            TextStringObject("start"), action("/JavaScript", JS=TextStringObject("app.alert('x')"))])})})),
    open_action("/JavaScript", JS=TextStringObject("app.alert('x')")),
    open_action("/Launch", F=TextStringObject("cmd.exe")),
    open_action("/SubmitForm", F=TextStringObject("https://example.org/sammeln")),
    page_entry("/AA", DictionaryObject({NameObject("/O"): action("/JavaScript", JS=TextStringObject("1"))})),
    lambda writer: writer.add_attachment("rechnung.exe", b"MZ\x90\x00"),
    lambda writer: writer._root_object.__setitem__(NameObject("/AcroForm"), DictionaryObject(
        {NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): TextStringObject("<xdp/>")})),
    page_entry("/Annots", ArrayObject([DictionaryObject({NameObject("/Subtype"): NameObject("/RichMedia"),
                                                         NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4)})])),
], ids=["document-javascript", "open-action-javascript", "launch", "submit-form", "page-additional-action",
        "embedded-file", "xfa", "rich-media"])
def test_a_pdf_with_active_content_is_refused(change):
    assert ACTIVE in refusal(written(change))


def test_active_content_hidden_behind_an_escaped_name_is_refused():
    """`/J#61vaScript` is `/JavaScript` to a reader; the parser decodes it, so the check does too."""
    content = written(open_action("/JavaScript", JS=TextStringObject("app.alert(1)")))
    disguised = content.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")
    assert b"/JavaScript" not in disguised
    assert ACTIVE in refusal(disguised)


def test_an_encrypted_pdf_is_refused():
    def encrypt(writer):
        writer.encrypt(user_password="geheim", owner_password="geheimer")
    assert "Verschlüsselte" in refusal(written(encrypt))


@pytest.mark.parametrize(("name", "expected"), [
    ("Stellenplan.pdf", "Stellenplan.pdf"),
    ("bericht.html", "bericht.html.pdf"),
    ('"><script>alert(1)</script>.PDF', "script_.pdf"),  # a "/" ends a directory part
    ("..\\..\\windows\\system.ini", "system.ini.pdf"),
    ("Plan\r\nSet-Cookie: x=1.pdf", "PlanSet-Cookie_ x=1.pdf"),
    ("...", "anlage.pdf"),
])
def test_download_names_are_sanitised_and_end_in_pdf(name, expected):
    assert pdf_download_name(name) == expected


def test_a_name_with_umlauts_is_sent_as_rfc_6266_with_an_ascii_fallback():
    assert pdf_content_disposition("Größe März.pdf") == (
        "attachment; filename=\"Grosse Marz.pdf\"; filename*=UTF-8''Gr%C3%B6%C3%9Fe%20M%C3%A4rz.pdf")


def test_an_uploaded_file_is_downloaded_as_a_pdf_attachment_never_sniffed(client, programme, coordinator_a,
                                                                          private_storage):
    application = factories.draft_application(programme, coordinator_a)
    client.force_login(coordinator_a)
    client.post(reverse("grants:attachment_upload", args=[application.pk]),
                {"file": SimpleUploadedFile("<b>Plan</b>.html", factories.PDF, "text/html")})
    attachment = application.attachments.get()

    response = client.get(reverse("grants:attachment_download", args=[application.pk, attachment.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"b_.html.pdf\"; filename*=UTF-8''b_.html.pdf")
    assert b"".join(response.streaming_content) == factories.PDF


def test_active_names_inside_stream_data_are_not_mistaken_for_active_content():
    """Binary stream data (a scanned page, a font) may contain `/JS` by chance; only the
    dictionaries count."""
    def image_like_stream(writer):
        from pypdf.generic import DecodedStreamObject
        stream = DecodedStreamObject()
        stream.set_data(b"\x00\x17/JS\x01/AA\x02 random bytes of a scan \xff")
        writer.pages[0][NameObject("/Contents")] = writer._add_object(stream)
    check_pdf_upload(written(image_like_stream))
