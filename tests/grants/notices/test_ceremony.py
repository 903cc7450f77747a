import hashlib
import io
from datetime import date

import pdfplumber
import pytest
from pypdf import PdfReader

from accounts.roles import Role
from core.errors import DomainError
from grants.models import HandoverCeremony, Notice
from grants.notices import ceremony as ceremony_module
from grants.notices import render
from grants.notices.ceremony import (
    ceremony_bundle_pdf,
    ceremony_notices,
    ceremony_presentation_pdf,
    print_order_key,
)
from grants.services.awards import application_reject
from grants.services.notices import notice_attach_ceremony
from municipalities.models import Municipality
from tests import factories

ISSUED = date(2026, 10, 29)
EMPTY = "Dieser Übergabe sind noch keine Bescheide zugeordnet."


def _stand_in_presentation(snapshots, ceremony):
    """Used only while grants.notices.render has no render_presentation_pdf yet: one page per snapshot."""
    from weasyprint import HTML

    pages = "".join(
        f"<section style='page-break-after: always'><h1>Übergabeexemplar</h1>"
        f"<p>{s['recipient']['name']}</p><p>{s['number']}</p></section>" for s in snapshots)
    return HTML(string=f"<html lang='de'><body>{pages}</body></html>").write_pdf()


@pytest.fixture
def presentation_calls(monkeypatch):
    """Records every call of render_presentation_pdf (the real one, or the stand-in while it is missing)."""
    calls = []
    renderer = getattr(render, "render_presentation_pdf", _stand_in_presentation)

    def recording(snapshots, ceremony):
        pdf = renderer(snapshots, ceremony)
        calls.append((snapshots, ceremony, pdf))
        return pdf

    monkeypatch.setattr(render, "render_presentation_pdf", recording, raising=False)
    return calls


@pytest.fixture
def eschwege(db):
    return HandoverCeremony.objects.create(date=date(2021, 10, 29), place="Eschwege",
                                           official_title="Staatssekretärin", official_name="Anne Janz")


def _award_for(programme, body_name, username, clerk, approver):
    coordinator = factories.make_user(username, Role.KOORDINATION, Municipality.objects.get(name=body_name))
    return factories.approved_award(programme, coordinator, clerk, approver, on=ISSUED, notice=False)


@pytest.fixture
def notices(programme, body_a, coordinator_a, coordinator_b, clerk, approver, eschwege):
    """Four award notices issued in the order WMK, HTK, Darmstadt, Kassel; the first three are
    handed over in Eschwege (two attached when issued, one afterwards), Kassel's is not."""
    issued = {}
    for name, coordinator in (("Werra-Meißner-Kreis", coordinator_a), ("Hochtaunuskreis", coordinator_b)):
        award = factories.approved_award(programme, coordinator, clerk, approver, on=ISSUED, notice=False)
        issued[name] = factories.issue_notice(award.application, approver, ISSUED, kind=Notice.Kind.AWARD,
                                              ceremony=eschwege)
    for name, username in (("Darmstadt", "koordination-da"), ("Kassel", "koordination-ks")):
        award = _award_for(programme, name, username, clerk, approver)
        issued[name] = factories.issue_notice(award.application, approver, ISSUED, kind=Notice.Kind.AWARD)
    notice_attach_ceremony(notice=issued["Darmstadt"], ceremony=eschwege, user=approver)
    return issued


def _in_print_order(notices):
    return [notices[name] for name in ("Darmstadt", "Hochtaunuskreis", "Werra-Meißner-Kreis")]


def _page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


# Print order -----------------------------------------------------------------------------


def test_ceremony_notices_are_its_notices_alphabetically_by_recipient(notices, eschwege):
    assert ceremony_notices(eschwege) == _in_print_order(notices)


def test_print_order_compares_names_as_a_german_dictionary_does():
    def unsaved(name, number="WIR-26-B2026-001"):
        return Notice(number=number, snapshot={"recipient": {"name": name}})

    names = ["Ulm", "Überlingen", "Offenbach am Main", "ober-Ramstadt", "Offenbach"]
    ordered = sorted((unsaved(name) for name in names), key=print_order_key)

    assert [n.snapshot["recipient"]["name"] for n in ordered] == [
        "ober-Ramstadt", "Offenbach", "Offenbach am Main", "Überlingen", "Ulm"]


def test_two_notices_of_one_body_follow_their_numbers():
    second = Notice(number="WIR-26-B2026-007", snapshot={"recipient": {"name": "Kassel"}})
    first = Notice(number="WIR-26-B2026-002", snapshot={"recipient": {"name": "Kassel"}})

    assert sorted([second, first], key=print_order_key) == [first, second]


# Presentation copies ---------------------------------------------------------------------


def test_presentation_is_one_render_of_the_snapshots_in_print_order(notices, eschwege, presentation_calls):
    pdf = ceremony_presentation_pdf(eschwege)

    assert len(presentation_calls) == 1
    snapshots, ceremony, _ = presentation_calls[0]
    assert snapshots == [n.snapshot for n in _in_print_order(notices)]
    assert ceremony == {"date": "2021-10-29", "place": "Eschwege", "official_title": "Staatssekretärin",
                        "official_name": "Anne Janz"}
    assert _page_count(pdf) == 3


def test_ceremony_without_notices_is_refused_in_german(eschwege, presentation_calls):
    with pytest.raises(DomainError) as presentation:
        ceremony_presentation_pdf(eschwege)
    with pytest.raises(DomainError) as bundle:
        ceremony_bundle_pdf(eschwege)

    assert presentation.value.message == bundle.value.message == EMPTY
    assert presentation_calls == []


# The bundle ------------------------------------------------------------------------------


def test_bundle_has_a_presentation_page_and_the_notice_pages_for_each_recipient(notices, eschwege,
                                                                                presentation_calls):
    bundle = ceremony_bundle_pdf(eschwege)

    expected = sum(1 + _page_count(bytes(n.pdf)) for n in _in_print_order(notices))
    assert _page_count(bundle) == expected


def test_bundle_carries_the_stored_notice_pages_unchanged(notices, eschwege, presentation_calls):
    bundle = ceremony_bundle_pdf(eschwege)

    merged = PdfReader(io.BytesIO(bundle))
    presentation = PdfReader(io.BytesIO(presentation_calls[0][2]))
    with pdfplumber.open(io.BytesIO(bundle)) as bundle_text:
        position = 0
        for index, notice in enumerate(_in_print_order(notices)):
            assert merged.pages[position].extract_text() == presentation.pages[index].extract_text()
            position += 1
            stored = PdfReader(io.BytesIO(bytes(notice.pdf)))
            assert notice.number in bundle_text.pages[position].extract_text()
            with pdfplumber.open(io.BytesIO(bytes(notice.pdf))) as stored_text:
                for page, stored_page in enumerate(stored.pages):
                    assert merged.pages[position].get_contents().get_data() == stored_page.get_contents().get_data()
                    assert bundle_text.pages[position].extract_text() == stored_text.pages[page].extract_text()
                    position += 1
    assert position == len(merged.pages)


def test_bundle_renders_the_presentation_once_and_no_notice_again(notices, eschwege, presentation_calls,
                                                                  monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("an issued notice must not be rendered again")

    monkeypatch.setattr(render, "render_notice_pdf", refuse)
    monkeypatch.setattr("grants.services.notices.render_notice_pdf", refuse)

    ceremony_bundle_pdf(eschwege)

    assert len(presentation_calls) == 1
    assert [s["number"] for s in presentation_calls[0][0]] == [n.number for n in _in_print_order(notices)]


def test_bundle_outline_has_two_entries_per_recipient_pointing_at_their_pages(notices, eschwege,
                                                                            presentation_calls):
    reader = PdfReader(io.BytesIO(ceremony_bundle_pdf(eschwege)))

    top_level = [item for item in reader.outline if not isinstance(item, list)]
    entries = [(item.title, reader.get_destination_page_number(item)) for item in top_level]
    expected, page = [], 0
    for notice in _in_print_order(notices):
        name = notice.snapshot["recipient"]["name"]
        expected.append((f"{name} – Übergabeexemplar", page))
        expected.append((f"{name} – Zuwendungsbescheid {notice.number}", page + 1))
        page += 1 + _page_count(bytes(notice.pdf))
    assert entries == expected


def test_bundle_is_titled_with_the_ceremony_date_and_place(notices, eschwege, presentation_calls):
    reader = PdfReader(io.BytesIO(ceremony_bundle_pdf(eschwege)))

    assert reader.metadata.title == "Bescheidübergabe 29.10.2021, Eschwege"


def test_bundle_refuses_a_notice_whose_stored_bytes_do_not_match_their_hash(notices, eschwege,
                                                                           presentation_calls, monkeypatch):
    altered = _in_print_order(notices)
    altered[1].pdf = bytes(altered[1].pdf).replace(b"%%EOF", b"%%EOF\n% changed")
    assert hashlib.sha256(altered[1].pdf).hexdigest() != altered[1].sha256
    monkeypatch.setattr(ceremony_module, "ceremony_notices", lambda ceremony, **kwargs: altered)

    with pytest.raises(DomainError, match=altered[1].number):
        ceremony_bundle_pdf(eschwege)
    assert presentation_calls == []


def test_a_rejection_attached_to_the_ceremony_is_refused_with_its_number(notices, eschwege, programme, clerk,
                                                                         approver, presentation_calls):
    coordinator = factories.make_user("koordination-gi", Role.KOORDINATION, Municipality.objects.get(name="Gießen"))
    with factories.at(ISSUED, 9):
        application = factories.in_review_application(programme, coordinator, clerk)
        application_reject(application=application, user=approver, reason="Nicht förderfähig.")
    rejection = factories.issue_notice(application, approver, ISSUED, kind=Notice.Kind.REJECTION)
    # The services refuse this; the bundle still guards against a row attached by other means.
    Notice.objects.filter(pk=rejection.pk).update(ceremony=eschwege)

    with pytest.raises(DomainError, match=f"nur für Zuwendungs- und Änderungsbescheide.*{rejection.number}"):
        ceremony_bundle_pdf(eschwege)
    assert presentation_calls == []
