"""Check notice files, or every stored notice, as the page "Bescheid prüfen" does: the seal
(intact, valid, trusted, covering the whole file; pyHanko against NOTICE_SEAL_TRUST_ROOTS) and
the SHA-256 against the notices issued here. Exits with 1 when anything is not confirmed.

    manage.py verify_notice Bescheid.pdf [weitere.pdf …]
    manage.py verify_notice --all
"""

import hashlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from grants.models import Notice
from grants.notices.seal import pdf_check
from grants.selectors.notice_check import BAD, GOOD, WARNING, notice_check

MARKS = {GOOD: "✓", BAD: "✗", WARNING: "!"}


class Command(BaseCommand):
    help = ("Prüft Bescheid-Dateien wie die Seite „Bescheid prüfen“: das elektronische Siegel (unversehrt, "
            "vertrauenswürdig, über die ganze Datei) und den Fingerabdruck (SHA-256) gegen die hier erlassenen "
            "Bescheide; mit --all jeden gespeicherten Bescheid. Endet mit 1, wenn etwas nicht bestätigt ist.")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="PDF-Dateien, die geprüft werden")
        parser.add_argument("--all", action="store_true",
                            help="jeden gespeicherten Bescheid prüfen (Prüfsumme und Siegel)")

    def handle(self, *args, files, all, **options):
        if not files and not all:
            raise CommandError("Bitte eine oder mehrere PDF-Dateien angeben oder --all.")
        failed = [path for path in files if not self._check_file(Path(path))]
        if all:
            failed.extend(self._check_stored())
        if failed:
            raise CommandError(f"Nicht bestätigt: {', '.join(failed)}", returncode=1)

    def _check_file(self, path: Path) -> bool:
        try:
            data = path.read_bytes()
        except OSError as error:
            self.stderr.write(f"{path}: nicht lesbar ({error.strerror})")
            return False
        result = notice_check(data=data, user=None)
        self.stdout.write(f"{path}: {result.headline}")
        for finding in result.findings:
            self.stdout.write(f"  {MARKS.get(finding.level, '·')} {finding.text}")
        self.stdout.write(f"  SHA-256: {result.pdf.sha256}")
        return result.confirmed

    def _check_stored(self) -> list[str]:
        failed = []
        notices = Notice.objects.order_by("number").values_list(
            "number", "sha256", "pdf", "sealed_at", "seal_fingerprint", "seal_test")
        count = 0
        for number, sha256, pdf, sealed_at, fingerprint, test in notices.iterator(chunk_size=20):
            count += 1
            pdf = bytes(pdf or b"")
            problems = []
            if hashlib.sha256(pdf).hexdigest() != sha256:
                problems.append("gespeicherte Bytes passen nicht zur Prüfsumme beim Erlass")
            if sealed_at is not None:
                seal = pdf_check(pdf).seal
                if seal is None:
                    problems.append("kein Siegel in der Datei")
                else:
                    if not (seal.intact and seal.valid):
                        problems.append("Siegel gebrochen")
                    if not seal.covers_whole_file:
                        problems.append("nach dem Siegeln verändert")
                    if not seal.trusted:
                        problems.append("Siegelzertifikat nicht vertrauenswürdig")
                    if seal.signer_fingerprint != fingerprint:
                        problems.append("anderes Siegelzertifikat als beim Erlass festgehalten")
            state = ("gesiegelt" + (", Testsiegel" if test else "")) if sealed_at is not None else "nicht gesiegelt"
            if problems:
                failed.append(number)
                self.stdout.write(f"✗ {number} ({state}): {'; '.join(problems)}")
            else:
                self.stdout.write(f"✓ {number} ({state}): unverändert")
        self.stdout.write(f"{count} Bescheide geprüft, {count - len(failed)} in Ordnung.")
        return failed
