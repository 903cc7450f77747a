import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from grants import demo
from grants.demo.scale import ScaleSetupError, seed_scale
from grants.models import FundingProgramme


class Command(BaseCommand):
    help = (
        "Legt Skalendaten zum Messen an (bench/scale.py): auf den Demo-Daten viele Förderperioden mit je einem "
        "Antrag jeder Gebietskörperschaft – 10.000 Anträge mit 100.000 Zeilen im Finanzierungsplan –, dazu "
        "Empfehlungen, Entscheidungen, Zuwendungen mit Bescheiden, Auszahlungen, Verwendungsnachweise, "
        "Rückforderungen, Kommentare und Protokolleinträge, einige Anträge mit 2.000 Einträgen in der Historie. "
        "Schreibt mit bulk_create an den Services vorbei (Stunden statt Minuten sonst), aber stimmig zu den "
        "Regeln und Constraints. Ein Rückforderungsfall ist absichtlich fehlerhaft (Verzinsung vor der "
        "Basiszinssatz-Tabelle). Nur mit DEBUG oder --force; nie auf einem Produktivsystem."
    )

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, default=10_000,
                            help="Zahl der Anträge (Standard 10.000; für SQLite z. B. 500).")
        parser.add_argument("--force", action="store_true",
                            help="Auch ohne DEBUG ausführen (nie auf einem Produktivsystem).")

    def handle(self, *args, applications: int, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_scale füllt die Datenbank mit Tausenden erfundener Anträge und läuft deshalb nur mit "
                "DEBUG=true. Wenn dies wirklich kein Produktivsystem ist: mit --force ausführen.")
        started = time.monotonic()
        # The bodies come with the migrations; the demo's accounts and programmes do not.
        if not FundingProgramme.objects.filter(code__in=(demo.CODE_2021, demo.CODE_2026)).exists():
            self.stdout.write("Keine Demo-Daten: lege sie zuerst an (seed_demo) …")
            try:
                demo.seed()
            except demo.DemoSetupError as error:
                raise CommandError(str(error)) from None
        try:
            result = seed_scale(applications=applications)
        except ScaleSetupError as error:
            raise CommandError(str(error)) from None
        # The database as autovacuum leaves it after a bulk load: fresh statistics for the planner (without
        # them it chose a status index for 74 of 466 rows and sorted them all) and, on PostgreSQL, the
        # visibility map that lets a count read an index alone (a server with autovacuum switched off
        # never gets either).
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")
        counts = result.counts
        self.stdout.write(self.style.SUCCESS(
            f"Skalendaten angelegt in {time.monotonic() - started:.0f} s: {counts['programmes']} Förderperioden, "
            f"{counts['applications']} Anträge, {counts['plan_lines']} Planzeilen, {counts['awards']} Zuwendungen "
            f"({counts['awards_closed']} abgeschlossen), {counts['notices']} Zuwendungsbescheide, "
            f"{counts['payments']} Auszahlungen, {counts['proofs']} Nachweise, {counts['reclaims']} Rückforderungen, "
            f"{counts['comments']} Kommentare, {counts['audit_entries']} Protokolleinträge."))
        self.stdout.write("Anträge mit langer Historie: " + ", ".join(str(pk) for pk in result.history_applications))
