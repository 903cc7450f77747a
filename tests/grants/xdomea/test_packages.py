"""xdomea packages of case files (grants/xdomea/): every generated message validates against
the xdomea 3.1.0 XSD; every Dokument's primary file is in the ZIP under the name the message
gives it, with the SHA-256 the message states; stored files (the issued notice, the uploaded
attachment, the Sachbericht) go in byte for byte; an invalid message or a stored file that no
longer matches its checksum is never delivered."""

import hashlib
import logging
import re
from pathlib import Path
from unittest import mock

import pytest
from django.utils import timezone
from lxml import etree

from background.jobs import job_start
from background.models import Job
from grants.models import ApplicationAttachment, CaseFileTransfer, Notice
from grants.services.awards import application_reject
from grants.xdomea import message as message_module
from grants.xdomea.casefile import case_file
from grants.xdomea.message import ABGABE, AUSSONDERUNG, Party, build_package
from grants.xdomea.schema import SCHEMA_DIR, load_schema, schema_errors
from tests import factories
from tests.grants.notices.test_render import XMP_NS, xmp_root
from tests.grants.xdomea.conftest import ATTACHMENT_PDF, NS, document_fields, documents, run_job, unpack

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def package_of(award, message_type=ABGABE):
    case = case_file(award.application, today=timezone.localdate())
    return build_package(message_type=message_type, sender=Party("Hessisches Ministerium", "Referat II 5"),
                         recipient=Party("E-Akte Hessen"), cases=[case], created_at=timezone.now())


def test_the_schema_files_are_the_unmodified_copies_named_in_the_readme():
    readme = (SCHEMA_DIR.parent / "README.md").read_text()
    table = dict(re.findall(r"\| `3\.1\.0/([^`]+)` \| \d+ \| `([0-9a-f]{64})` \|", readme))

    assert len(table) == 21
    assert {path.name for path in SCHEMA_DIR.glob("*.xsd")} == set(table)
    for name, digest in table.items():
        assert hashlib.sha256((SCHEMA_DIR / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.parametrize("message_type", [ABGABE, AUSSONDERUNG])
def test_the_message_of_a_closed_grant_validates_against_the_xdomea_xsd(closed_award, message_type):
    package = package_of(closed_award, message_type)

    assert schema_errors(message_type, package.xml) == []
    load_schema(message_type).assertValid(etree.fromstring(package.xml))
    root = etree.fromstring(package.xml)
    assert root.tag == f"{{urn:xoev-de:xdomea:schema:3.1.0}}{message_type}" and root.prefix == "xdomea"
    assert root.findtext("x:Kopf/x:ProzessID", namespaces=NS) == str(package.process_id)


def test_the_package_is_named_as_xdomea_says_and_holds_the_message_and_every_primary_file(closed_award):
    package = package_of(closed_award)
    files, message = unpack(package.data)

    base = f"{package.process_id}_Abgabe.Abgabe.0401"
    assert package.name == f"{base}.zip" and f"{base}.xml" in files
    docs = documents(message)
    names = [document_fields(d)["Dateiname"] for d in docs]
    assert sorted(files) == sorted([f"{base}.xml", *names])  # nothing else in the package
    for document in docs:
        fields = document_fields(document)
        data = files[fields["Dateiname"]]
        assert re.fullmatch(UUID + r"_[A-Za-z0-9-]+\.pdf", fields["Dateiname"])
        assert fields["SHA-256"] == hashlib.sha256(data).hexdigest()
        assert fields["Größe in Bytes"] == str(len(data)) and fields["MIME-Typ"] == "application/pdf"
        assert data.startswith(b"%PDF-")


def test_the_akte_has_the_file_reference_period_and_the_vorgaenge_of_the_grant(closed_award):
    _files, message = unpack(package_of(closed_award).data)

    akte = message.find("x:Schriftgutobjekt/x:Akte", NS)
    ref = closed_award.application.file_reference
    assert akte.findtext("x:AllgemeineMetadaten/x:Kennzeichen", namespaces=NS) == ref
    assert akte.findtext("x:AllgemeineMetadaten/x:Betreff", namespaces=NS) == closed_award.application.title
    assert akte.findtext("x:ZdADatum", namespaces=NS) == timezone.localdate(closed_award.closed_at).isoformat()
    assert akte.findtext("x:Laufzeit/x:Ende", namespaces=NS) == akte.findtext("x:ZdADatum", namespaces=NS)
    assert akte.findtext("x:ArchivspezifischeMetadaten/x:Aufbewahrungsende", namespaces=NS) == "2036-12-31"
    assert akte.findtext("x:Kontakt/x:Institution/x:Name", namespaces=NS) == "Kreisausschuss des Werra-Meißner-Kreises"
    processes = [p.findtext("x:AllgemeineMetadaten/x:Betreff", namespaces=NS)
                 for p in akte.findall("x:Akteninhalt/x:Vorgang", NS)]
    assert processes == ["Antrag", "Bewilligung und Bescheide", "Mittelabrufe und Auszahlungen",
                         "Verwendungsnachweise", "Verlauf"]
    titles = [d.findtext("x:AllgemeineMetadaten/x:Betreff", namespaces=NS) for d in documents(message)]
    assert titles[:2] == ["Antrag mit Finanzierungsplan", "Stellenplan"]
    assert "Sachbericht zum Verwendungsnachweis" in titles and titles[-1] == "Verlauf (Protokoll der Akte)"


def test_the_issued_notice_goes_into_the_package_byte_for_byte(closed_award):
    notice = Notice.objects.get(award=closed_award, kind=Notice.Kind.AWARD)
    files, message = unpack(package_of(closed_award).data)

    [document] = [d for d in documents(message)
                  if d.findtext("x:AllgemeineMetadaten/x:Kennzeichen", namespaces=NS) == notice.number]
    stored = bytes(Notice.objects.get(pk=notice.pk).pdf)
    assert files[document_fields(document)["Dateiname"]] == stored
    assert document_fields(document)["SHA-256"] == notice.sha256
    assert document.findtext("x:Typ", namespaces=NS) == "Zuwendungsbescheid"
    # The notices are issued as PDF/A-3b: declared so by their own metadata, not assumed.
    assert document.findtext("x:Version/x:Format/x:Name/code", namespaces=NS) == "044"
    assert document.findtext("x:Version/x:Format/x:Version", namespaces=NS) == "PDF/A-3b"


def test_uploaded_files_go_in_unchanged_with_their_original_names(closed_award):
    files, message = unpack(package_of(closed_award).data)

    by_original = {d.findtext("x:Version/x:Format/x:Primaerdokument/x:DateinameOriginal", namespaces=NS): d
                   for d in documents(message)}
    assert files[document_fields(by_original["Stellenplan 2021.pdf"])["Dateiname"]] == ATTACHMENT_PDF
    assert files[document_fields(by_original["Sachbericht.pdf"])["Dateiname"]] == factories.PDF
    assert by_original["Stellenplan 2021.pdf"].findtext("x:Bearbeiter", namespaces=NS) == (
        "Koordination Werra-Meißner-Kreis")
    upload = by_original["Stellenplan 2021.pdf"].find("x:Version/x:Format", NS)
    assert (upload.findtext("x:Name/code", namespaces=NS), upload.findtext("x:Version", namespaces=NS)) == (
        "018", "1.3")  # a plain PDF 1.3, as uploaded


def test_generated_records_are_pdf_a(closed_award):
    files, message = unpack(package_of(closed_award).data)

    [antrag] = [d for d in documents(message)
                if d.findtext("x:AllgemeineMetadaten/x:Betreff", namespaces=NS) == "Antrag mit Finanzierungsplan"]
    assert antrag.findtext("x:Version/x:Format/x:Name/code", namespaces=NS) == "044"  # PDF/A
    data = files[document_fields(antrag)["Dateiname"]]
    declared = {(d.get(f"{{{XMP_NS['pdfaid']}}}part"), d.get(f"{{{XMP_NS['pdfaid']}}}conformance"))
                for d in xmp_root(data).iter(f"{{{XMP_NS['rdf']}}}Description")}
    assert ("3", "B") in declared
    assert antrag.findtext("x:Version/x:Format/x:Version", namespaces=NS) == "PDF/A-3b"


def test_objects_keep_their_ids_in_every_export_while_each_export_is_a_new_process(closed_award):
    first, second = package_of(closed_award), package_of(closed_award)

    assert first.process_id != second.process_id
    ids = [[i.text for i in etree.fromstring(p.xml).iterfind(".//x:Identifikation/x:ID", NS)] for p in (first, second)]
    assert ids[0] == ids[1] and len(set(ids[0])) == len(ids[0])


# -- never delivered ----------------------------------------------------------------------------


def test_an_invalid_message_is_never_delivered(closed_award, clerk, caplog):
    job_start(user=clerk, kind=Job.Kind.XDOMEA_ABGABE, target=closed_award.application, label="E-Akte")
    real = message_module.build_message

    def broken(**kwargs):  # a message the schema refuses: an element xdomea does not know
        root = etree.fromstring(real(**kwargs))
        etree.SubElement(root.find("x:Kopf", NS), "{urn:xoev-de:xdomea:schema:3.1.0}Unbekannt").text = "x"
        return etree.tostring(root)

    with mock.patch.object(message_module, "build_message", broken), caplog.at_level(logging.ERROR):
        job, data = run_job(Job.Kind.XDOMEA_ABGABE)

    assert job.status == Job.Status.FAILED and data == b"" and not job.result_path
    assert job.error.startswith("Die xdomea-Nachricht entspricht nicht dem Schema xdomea 3.1.0 und wurde deshalb "
                                "nicht ausgeliefert")
    assert not CaseFileTransfer.objects.exists()
    assert "Unbekannt" in caplog.text and "entspricht nicht dem Schema" in caplog.text


def test_a_stored_file_that_no_longer_matches_its_checksum_stops_the_export(closed_award, clerk):
    ApplicationAttachment.objects.filter(application=closed_award.application).update(sha256="0" * 64)
    job_start(user=clerk, kind=Job.Kind.XDOMEA_ABGABE, target=closed_award.application, label="E-Akte")

    job, _data = run_job(Job.Kind.XDOMEA_ABGABE)

    assert job.status == Job.Status.FAILED
    assert ("„Stellenplan 2021.pdf“ fehlt oder stimmt nicht mit ihrer beim Speichern festgehaltenen Prüfsumme"
            in job.error)
    assert not CaseFileTransfer.objects.exists()


def test_the_schemas_compile_offline_without_the_network():
    # The resolver maps the one remote import to the local copy and refuses every other URL.
    assert Path(SCHEMA_DIR / "xoev-code.xsd").exists()
    with mock.patch("urllib.request.urlopen", side_effect=AssertionError("network")):
        load_schema.cache_clear()
        assert load_schema(AUSSONDERUNG) is not None


def test_a_rejected_applications_file_with_its_ablehnungsbescheid_validates_too(past_programme, coordinator_b, clerk,
                                                                               approver, private_storage):
    application = factories.recommended_application(past_programme, coordinator_b, clerk)
    application_reject(application=application, user=approver, reason="Nicht förderfähig.",
                       discretion="Die Mittel reichen nicht für alle Anträge.")
    notice = factories.issue_notice(application, approver, timezone.localdate(), kind=Notice.Kind.REJECTION)
    case = case_file(application, today=timezone.localdate())
    package = build_package(message_type=ABGABE, sender=Party("Hessisches Ministerium"), recipient=Party("E-Akte"),
                            cases=[case], created_at=timezone.now())

    assert schema_errors(ABGABE, package.xml) == []
    files, message = unpack(package.data)
    assert [p.title for p in case.processes] == ["Antrag", "Bewilligung und Bescheide", "Verlauf"]
    [document] = [d for d in documents(message) if d.findtext("x:Typ", namespaces=NS) == "Ablehnungsbescheid"]
    assert files[document_fields(document)["Dateiname"]] == bytes(Notice.objects.get(pk=notice.pk).pdf)
    assert message.find("x:Schriftgutobjekt/x:Akte/x:ZdA", NS) is None  # not closed: no "zu den Akten"
