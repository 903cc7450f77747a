"""Remove objects from the S3 bucket that no StoredFile row knows and that are older than
--older-than-hours (default 24): uploads whose transaction rolled back in a process that died
before it could clean up (files.pending removes the others at once). The age keeps objects of
transactions still running. Reports each object; --dry-run only reports."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from files.models import StoredFile
from files.storage import s3_storage


class Command(BaseCommand):
    help = "Entfernt verwaiste Objekte (ohne Datensatz) aus dem S3-Objektspeicher."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--older-than-hours", type=int, default=24,
                            help="nur Objekte, die älter sind (Standard 24 Stunden)")
        parser.add_argument("--dry-run", action="store_true", help="nur berichten, nichts löschen")

    def handle(self, *args, older_than_hours: int, dry_run: bool, **options) -> None:
        if older_than_hours < 1:
            raise CommandError("--older-than-hours muss mindestens 1 sein.")
        storage = s3_storage()
        prefix = f"{storage.location.strip('/')}/" if storage.location.strip("/") else ""
        cutoff = timezone.now() - timedelta(hours=older_than_hours)
        orphans = []
        for obj in storage.bucket.objects.filter(Prefix=prefix):
            name = obj.key[len(prefix):]
            if obj.last_modified < cutoff and not StoredFile.objects.filter(name=name).exists():
                orphans.append(name)
        for name in orphans:
            self.stdout.write(f"verwaist: {name}")
            if not dry_run:
                storage.delete(name)
        verb = "gefunden" if dry_run else "entfernt"
        self.stdout.write(f"{len(orphans)} verwaiste Objekte älter als {older_than_hours} h {verb}.")
