import hashlib
import io
import os
import shutil
import subprocess
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from grants.management.commands import export_notices
from grants.models import Notice
from tests import factories

ISSUED = date(2026, 10, 29)


@pytest.fixture
def second_programme(db):
    return factories.make_programme(code="wir-2031", start=2031, end=2035)


@pytest.fixture
def notices(programme, second_programme, coordinator_a, coordinator_b, clerk, approver):
    """Three award notices: WMK and HTK in wir-2026, WMK in wir-2031."""
    issued = []
    for prog, coordinator in ((programme, coordinator_a), (programme, coordinator_b),
                              (second_programme, coordinator_a)):
        award = factories.approved_award(prog, coordinator, clerk, approver, on=ISSUED, notice=False)
        issued.append(factories.issue_notice(award.application, approver, ISSUED, kind=Notice.Kind.AWARD))
    return issued


def export(directory, *args):
    out = io.StringIO()
    call_command("export_notices", "--output-dir", str(directory), *args, stdout=out)
    return out.getvalue()


def _files(directory):
    return sorted(path.name for path in directory.iterdir())


def _sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_export_writes_every_notice_with_exactly_its_stored_bytes(notices, tmp_path):
    output = export(tmp_path)

    assert _files(tmp_path) == sorted([f"{n.number}.pdf" for n in notices] + ["SHA256SUMS"])
    for notice in notices:
        path = tmp_path / f"{notice.number}.pdf"
        assert path.read_bytes() == bytes(notice.pdf)
        assert _sha256(path) == notice.sha256
    assert f"3 Bescheid(e) exportiert nach {tmp_path}: 3 neu geschrieben" in output


def test_sha256sums_lists_each_file_in_sha256sum_format(notices, tmp_path):
    export(tmp_path)

    lines = (tmp_path / "SHA256SUMS").read_text(encoding="ascii").splitlines()
    assert lines == [f"{n.sha256}  {n.number}.pdf" for n in sorted(notices, key=lambda n: n.number)]


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="sha256sum (coreutils) fehlt")
def test_sha256sums_is_accepted_by_sha256sum_check(notices, tmp_path):
    export(tmp_path)

    result = subprocess.run(["sha256sum", "--check", "--strict", "SHA256SUMS"], cwd=tmp_path,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_programme_option_exports_only_that_programmes_notices(notices, tmp_path):
    output = export(tmp_path, "--programme", "wir-2031")

    assert _files(tmp_path) == ["SHA256SUMS", f"{notices[2].number}.pdf"]
    assert (tmp_path / "SHA256SUMS").read_text() == f"{notices[2].sha256}  {notices[2].number}.pdf\n"
    assert "1 Bescheid(e) der Förderperiode wir-2031 exportiert" in output


def test_unknown_programme_is_refused_in_german_and_nothing_is_created(notices, tmp_path):
    target = tmp_path / "export"

    with pytest.raises(CommandError, match="Unbekannte Förderperiode „wir-1999“. Vorhanden: wir-2026, wir-2031."):
        export(target, "--programme", "wir-1999")
    assert not target.exists()


def test_missing_directory_is_created(notices, tmp_path):
    target = tmp_path / "archiv" / "2026"

    export(target)

    assert len(_files(target)) == 4


def test_a_file_as_output_directory_is_refused(notices, tmp_path):
    target = tmp_path / "bescheide.pdf"
    target.write_bytes(b"x")

    with pytest.raises(CommandError, match="ist kein Verzeichnis"):
        export(target)


def test_a_directory_without_write_permission_is_refused(notices, tmp_path, monkeypatch):
    target = tmp_path / "read-only"
    target.mkdir()
    target.chmod(0o555)
    if os.geteuid() == 0:  # root may write anyway; the command must still respect the permission bits
        real_access = os.access
        monkeypatch.setattr(export_notices.os, "access",
                            lambda path, mode: False if str(path) == str(target) else real_access(path, mode))

    with pytest.raises(CommandError, match="darf nicht geschrieben werden"):
        export(target)
    assert _files(target) == []


def test_a_stored_pdf_that_does_not_match_its_hash_stops_the_export(notices, tmp_path, monkeypatch):
    real = export_notices.issued_notices

    def with_altered_bytes(programme):
        for number, sha256, pdf in real(programme):
            yield number, sha256, (pdf + b"\n% altered" if number == notices[1].number else pdf)

    monkeypatch.setattr(export_notices, "issued_notices", with_altered_bytes)

    with pytest.raises(CommandError, match=f"Prüfsumme.*{notices[1].number}.*nichts exportiert"):
        export(tmp_path)
    assert _files(tmp_path) == []


def test_bytes_changed_in_the_database_behind_the_apps_back_stop_the_export(notices, tmp_path):
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL refuses the change itself (trigger grants_notice_immutable)")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE grants_notice SET pdf = %s WHERE id = %s", [b"%PDF-1.7 forged", notices[0].pk])

    with pytest.raises(CommandError, match=notices[0].number):
        export(tmp_path)
    assert _files(tmp_path) == []


def test_a_second_run_changes_nothing(notices, tmp_path):
    export(tmp_path)
    before = {path.name: path.stat().st_mtime_ns for path in tmp_path.iterdir()}

    output = export(tmp_path)

    assert {path.name: path.stat().st_mtime_ns for path in tmp_path.iterdir()} == before
    assert "0 neu geschrieben, 0 überschrieben, 3 unverändert" in output


def test_a_different_file_of_the_same_name_is_refused_without_overwrite(notices, tmp_path):
    clash = tmp_path / f"{notices[0].number}.pdf"
    clash.write_bytes(b"another document")

    with pytest.raises(CommandError, match=f"anderem Inhalt: {notices[0].number}.pdf.*--overwrite"):
        export(tmp_path)
    assert clash.read_bytes() == b"another document"
    assert _files(tmp_path) == [clash.name]


def test_overwrite_replaces_a_different_file_with_the_stored_bytes(notices, tmp_path):
    clash = tmp_path / f"{notices[0].number}.pdf"
    clash.write_bytes(b"another document")

    output = export(tmp_path, "--overwrite")

    assert clash.read_bytes() == bytes(notices[0].pdf)
    assert "2 neu geschrieben, 1 überschrieben, 0 unverändert" in output


def test_a_different_checksum_file_is_refused_without_overwrite(notices, tmp_path):
    (tmp_path / "SHA256SUMS").write_text("0" * 64 + "  other.pdf\n")

    with pytest.raises(CommandError, match="SHA256SUMS"):
        export(tmp_path)
