"""Export the issued notices for the archive: each as `<notice number>.pdf`, exactly the bytes
stored when it was issued, plus `SHA256SUMS` (the format of `sha256sum`, so the receiving
side checks the transfer with `sha256sum -c SHA256SUMS`).

Everything is checked before anything is written: every stored PDF against the SHA-256
recorded when it was issued (a mismatch means the stored bytes were changed after issuing),
and every file already in the directory. A file of the same name with identical bytes is
left as it is, so a second run changes nothing; a file with other bytes is refused unless
--overwrite. Each file is written under a temporary name and renamed into place, and read
back and checked against the recorded SHA-256 once written.
"""

import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from grants.models import FundingProgramme, Notice

SUMS_NAME = "SHA256SUMS"
# Notice numbers are "WIR-21-B2021-021"; anything else must not become a path.
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def issued_notices(programme: FundingProgramme | None) -> Iterator[tuple[str, str, bytes]]:
    """(number, recorded SHA-256, stored PDF) of every issued notice, by number; one at a time."""
    notices = Notice.objects.order_by("number")
    if programme is not None:
        notices = notices.filter(application__programme=programme)
    for number, sha256, pdf in notices.values_list("number", "sha256", "pdf").iterator(chunk_size=20):
        yield number, sha256, bytes(pdf or b"")


def _sha256_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _numbers(numbers: Iterable[str], limit: int = 10) -> str:
    numbers = list(numbers)
    shown = ", ".join(numbers[:limit])
    return shown + (f" und {len(numbers) - limit} weitere" if len(numbers) > limit else "")


class Command(BaseCommand):
    help = (
        "Schreibt jeden erlassenen Bescheid als <Bescheidnummer>.pdf – genau die beim Erlass gespeicherten "
        "Bytes – in ein Verzeichnis, dazu SHA256SUMS für die Übergabe an das Archiv (prüfen mit "
        "„sha256sum -c SHA256SUMS“). Bricht ab, wenn ein gespeichertes PDF nicht zu seiner beim Erlass "
        "festgehaltenen Prüfsumme passt. Vorhandene gleiche Dateien bleiben unverändert; abweichende nur "
        "mit --overwrite."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", required=True, type=Path,
                            help="Zielverzeichnis; wird angelegt, wenn es fehlt.")
        parser.add_argument("--programme", metavar="KÜRZEL", default=None,
                            help="Nur Bescheide dieser Förderperiode, z. B. wir-2021.")
        parser.add_argument("--overwrite", action="store_true",
                            help="Vorhandene Dateien mit anderem Inhalt überschreiben.")

    def handle(self, *args, output_dir: Path, programme: str | None = None, overwrite: bool = False, **options):
        selected = self._programme(programme)
        directory = self._check_directory(output_dir)

        # 1. Check everything; write nothing yet.
        recorded: dict[str, str] = {}  # file name -> recorded SHA-256
        missing, tampered, unsafe = [], [], []
        for number, sha256, pdf in issued_notices(selected):
            if not SAFE_NAME.match(number):
                unsafe.append(number)
            elif not pdf or not sha256:
                missing.append(number)
            elif hashlib.sha256(pdf).hexdigest() != sha256:
                tampered.append(number)
            else:
                recorded[f"{number}.pdf"] = sha256
        if tampered:
            raise CommandError(
                f"Das gespeicherte PDF von {len(tampered)} Bescheid(en) stimmt nicht mit der beim Erlass "
                f"festgehaltenen Prüfsumme (SHA-256) überein: {_numbers(tampered)}. Die gespeicherten Bytes "
                "wurden nach dem Erlass verändert. Es wurde nichts exportiert; bitte die Administration "
                "verständigen."
            )
        if missing:
            raise CommandError(
                f"Für {len(missing)} Bescheid(e) ist kein PDF mit Prüfsumme gespeichert: {_numbers(missing)}. "
                "Ein vollständiger Export ist nicht möglich; es wurde nichts exportiert."
            )
        if unsafe:
            raise CommandError(f"Bescheidnummern, die kein zulässiger Dateiname sind: {_numbers(unsafe)}. "
                               "Es wurde nichts exportiert.")

        sums = "".join(f"{sha256}  {name}\n" for name, sha256 in sorted(recorded.items())).encode("ascii")
        wanted = {**recorded, SUMS_NAME: hashlib.sha256(sums).hexdigest()}
        unchanged, conflicts = set(), []
        for name, sha256 in wanted.items():
            path = directory / name
            if not path.exists() and not path.is_symlink():
                continue
            if path.is_dir():
                raise CommandError(f"„{path}“ ist ein Verzeichnis; dort kann keine Datei geschrieben werden.")
            if path.is_file() and _sha256_of_file(path) == sha256:
                unchanged.add(name)
            else:
                conflicts.append(name)
        if conflicts and not overwrite:
            raise CommandError(
                f"Im Verzeichnis „{directory}“ liegen bereits {len(conflicts)} Datei(en) gleichen Namens mit "
                f"anderem Inhalt: {_numbers(sorted(conflicts))}. Es wurde nichts geschrieben. Ein anderes "
                "Verzeichnis wählen oder mit --overwrite überschreiben."
            )

        # 2. Write what is not there yet, each file checked once it is in place.
        try:
            directory.mkdir(parents=True, exist_ok=True)
            for number, sha256, pdf in issued_notices(selected):
                name = f"{number}.pdf"
                if name in unchanged:
                    continue
                if name not in recorded or hashlib.sha256(pdf).hexdigest() != recorded[name]:
                    raise CommandError(f"Der Bescheid {number} hat sich während des Exports geändert; "
                                       "Export abgebrochen.")
                self._write(directory / name, pdf, sha256)
            if SUMS_NAME not in unchanged:
                self._write(directory / SUMS_NAME, sums, wanted[SUMS_NAME])
            self._sync(directory)
        except OSError as error:
            raise CommandError(f"Schreiben in „{directory}“ fehlgeschlagen: {error}") from error

        written = len(recorded) - len(unchanged - {SUMS_NAME})
        replaced = len(set(conflicts) - {SUMS_NAME})
        scope = f" der Förderperiode {selected.code}" if selected else ""
        self.stdout.write(self.style.SUCCESS(
            f"{len(recorded)} Bescheid(e){scope} exportiert nach {directory}: {written - replaced} neu "
            f"geschrieben, {replaced} überschrieben, {len(recorded) - written} unverändert."
        ))
        self.stdout.write(f"Prüfsummen: {directory / SUMS_NAME} (prüfen mit „sha256sum -c {SUMS_NAME}“).")

    def _programme(self, code: str | None) -> FundingProgramme | None:
        if code is None:
            return None
        programme = FundingProgramme.objects.filter(code=code).first()
        if programme is None:
            known = ", ".join(FundingProgramme.objects.order_by("code").values_list("code", flat=True)) or "keine"
            raise CommandError(f"Unbekannte Förderperiode „{code}“. Vorhanden: {known}.")
        return programme

    def _check_directory(self, directory: Path) -> Path:
        directory = directory.expanduser().absolute()
        if directory.exists() or directory.is_symlink():
            if not directory.is_dir():
                raise CommandError(f"„{directory}“ ist kein Verzeichnis.")
            if not os.access(directory, os.W_OK | os.X_OK):
                raise CommandError(f"In das Verzeichnis „{directory}“ darf nicht geschrieben werden.")
        return directory

    def _write(self, path: Path, data: bytes, sha256: str) -> None:
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            with temporary.open("wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
        if _sha256_of_file(path) != sha256:
            raise CommandError(f"Die geschriebene Datei „{path}“ stimmt nicht mit der Prüfsumme {sha256} überein.")

    @staticmethod
    def _sync(directory: Path) -> None:
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
