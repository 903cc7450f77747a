"""Check every stored file and every issued document against its SHA-256: the bytes of each
StoredFile (in the database or the bucket) against the row, each record's file against the hash
the record keeps, each notice's and letter's bytes in its row against its recorded hash.
Exit status 1 when anything is missing or damaged (for monitoring and after a restore)."""

from django.core.management.base import BaseCommand

from files.management.report import finish
from files.models import StoredFile
from files.records import references
from files.storage import read_bytes, sha256


class Command(BaseCommand):
    help = "Prüft jede gespeicherte Datei und jeden erlassenen Bescheid gegen seine SHA-256."

    def handle(self, *args, **options) -> None:
        problems: list[str] = []
        hashes: dict[str, str] = {}
        checked_files = 0
        for pk in StoredFile.objects.order_by("pk").values_list("pk", flat=True).iterator():
            row = StoredFile.objects.get(pk=pk)
            checked_files += 1
            hashes[row.name] = row.sha256
            try:
                data = read_bytes(row)
            except FileNotFoundError:
                problems.append(f"fehlt: {row.name} ({row.get_backend_display()})")
                continue
            if len(data) != row.size or sha256(data) != row.sha256:
                problems.append(f"beschädigt: {row.name} ({row.get_backend_display()}): SHA-256 {sha256(data)}, "
                                f"erwartet {row.sha256}")
        checked_records = 0
        for reference in references():
            checked_records += 1
            if reference.actual is not None:
                if reference.actual != reference.sha256:
                    problems.append(f"beschädigt: {reference.label}: SHA-256 {reference.actual}, "
                                    f"erwartet {reference.sha256}")
            elif reference.name not in hashes:
                problems.append(f"fehlt: {reference.label} verweist auf {reference.name}, die Datei gibt es nicht")
            elif hashes[reference.name] != reference.sha256:
                problems.append(f"beschädigt: {reference.label}: Datei {reference.name} hat SHA-256 "
                                f"{hashes[reference.name]}, der Datensatz {reference.sha256}")
        finish(self, problems, f"{checked_files} gespeicherte Dateien, {checked_records} Verweise und Dokumente "
                               f"geprüft; {len(problems)} fehlen oder sind beschädigt.")
