"""Move every stored file to one backend: `move_files --to s3` or `--to database`.

For each file not yet on the target: read it from where its row says, check it against the row's
SHA-256, write it to the target, read it back and check again, then switch the row in one short
transaction; the source copy is removed after the switch. A file that fails a check stays where
it is and is reported. The command can be stopped and run again at any time: a row is switched
only after its copy verified, so a second run moves exactly what the first did not. Set
FILE_STORAGE to the target afterwards, so new files go there too (files are readable from either
backend meanwhile)."""

from botocore.exceptions import BotoCoreError, ClientError
from django.core.management.base import BaseCommand
from django.db import transaction

from files.management.report import finish
from files.models import StoredFile
from files.storage import DamagedFileError, s3_storage, sha256, verified_bytes, write_object

Backend = StoredFile.Backend


def move(row: StoredFile, target: str) -> None:
    """Copy one file to `target`, verified, and switch its row; raises on any mismatch."""
    data = verified_bytes(row)
    if target == Backend.S3:
        write_object(row.name, data)
        with transaction.atomic():
            switched = StoredFile.objects.filter(pk=row.pk, backend=row.backend, sha256=row.sha256).update(
                backend=target, content=b"")
    else:
        with transaction.atomic():
            switched = StoredFile.objects.filter(pk=row.pk, backend=row.backend, sha256=row.sha256).update(
                backend=target, content=data)
            copied = StoredFile.objects.values_list("content", flat=True).get(pk=row.pk)
            if sha256(bytes(copied)) != row.sha256:
                raise DamagedFileError(f"{row.name}: nach dem Kopieren in die Datenbank andere Bytes.")
        if switched:
            s3_storage().delete(row.name)
    if not switched:
        raise DamagedFileError(f"{row.name}: die Datei wurde während des Verschiebens geändert.")


class Command(BaseCommand):
    help = "Verschiebt alle gespeicherten Dateien in die Datenbank oder in den S3-Objektspeicher, mit SHA-256-Prüfung."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--to", required=True, choices=[Backend.DATABASE, Backend.S3],
                            help="Zielablage: database oder s3")
        parser.add_argument("--dry-run", action="store_true", help="nur zählen, nichts verschieben")

    def handle(self, *args, to: str, dry_run: bool, **options) -> None:
        if to == Backend.S3:
            s3_storage()  # refuses early when no bucket is configured
        already = StoredFile.objects.filter(backend=to).count()
        pending = list(StoredFile.objects.exclude(backend=to).order_by("pk").values_list("pk", flat=True))
        if dry_run:
            self.stdout.write(f"Probelauf: {len(pending)} Dateien würden nach „{to}“ verschoben, "
                              f"{already} liegen schon dort.")
            return
        moved, failed = 0, []
        for pk in pending:
            row = StoredFile.objects.filter(pk=pk).exclude(backend=to).first()
            if row is None:  # removed or moved meanwhile
                continue
            try:
                move(row, to)
            except (OSError, ValueError, BotoCoreError, ClientError) as error:
                failed.append(f"{row.name}: {error}")
                continue
            moved += 1
        finish(self, failed, f"{moved} Dateien nach „{to}“ verschoben und geprüft, {already} lagen schon dort, "
                             f"{len(failed)} fehlgeschlagen.")
