from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.formats import format_date
from core.money import format_eur
from grants import demo
from grants.selectors.awards import award_total


class Command(BaseCommand):
    help = (
        "Legt Demo-Daten an: die Förderperiode 2021–2025 mit 21 Bewilligungen, Bescheiden und "
        "Auszahlungen sowie die offene Förderperiode 2026–2030 mit einem eingereichten Antrag des "
        "Hochtaunuskreises, dazu Demo-Konten für jede Rolle. Die Antragsfrist 2026–2030 wird abweichend "
        "vom Regelfall (31.12.2025) auf den 31.12.2026 gesetzt, damit die Periode für Anträge offen ist. "
        "Ein zweiter Aufruf ändert nichts. Nur mit DEBUG oder --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default=None,
            help=f"Passwort aller Demo-Konten, auch bestehender (sonst erhalten neue Konten "
                 f"„{demo.DEFAULT_PASSWORD}“ und bestehende behalten ihres).",
        )
        parser.add_argument("--force", action="store_true",
                            help="Auch ohne DEBUG ausführen (nie auf einem Produktivsystem).")

    def handle(self, *args, password=None, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo legt Demo-Konten mit bekanntem Passwort an und läuft deshalb nur mit DEBUG=true. "
                "Wenn dies wirklich kein Produktivsystem ist: mit --force ausführen."
            )
        try:
            result = demo.seed(password=password)
        except demo.DemoSetupError as error:
            raise CommandError(str(error)) from None

        figures = demo.summary()
        if result.built:
            self.stdout.write(self.style.SUCCESS(f"Demo-Daten angelegt: {', '.join(result.built)}."))
        else:
            self.stdout.write("Demo-Daten sind bereits vorhanden; nichts neu angelegt.")
        self.stdout.write(
            f"Förderperioden: {', '.join(figures['programmes'])} · Anträge: {figures['applications']} · "
            f"Zuwendungen: {figures['awards']} · Bescheide: {figures['notices']} · "
            f"Auszahlungen (ausgezahlt): {figures['payments']}"
        )
        if figures["wmk_award"] is not None:
            award = figures["wmk_award"]
            self.stdout.write(
                f"Zuwendung {demo.WMK} {format_date(award.period_start)}–{format_date(award.period_end)}: "
                f"{format_eur(award_total(award))}"
            )

        self.stdout.write("")
        rows = [("Benutzername", "Rolle", "Gebietskörperschaft")] + [
            (user.username, user.get_role_display() + (" (Superuser)" if user.is_superuser else ""),
             str(user.municipality or "–"))
            for user, _ in result.accounts
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for number, row in enumerate(rows):
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
            if number == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
        self.stdout.write("")
        self.stdout.write(
            "Zweiter Faktor der Ministeriumskonten (sachbearbeitung, bewilligung, admin): Demo-Schlüssel "
            "K5EV ELKE MVWW 6LJS IZAS 2U3D NBWH K43T in einer Authenticator-App, oder den aktuellen Code mit "
            "`manage.py demo_otp_code <Benutzer>`.")
        created = sum(1 for _, is_new in result.accounts if is_new)
        if password is not None:
            self.stdout.write(f"Passwort aller Demo-Konten: {password}")
        elif created == len(result.accounts):
            self.stdout.write(f"Passwort aller Demo-Konten: {demo.DEFAULT_PASSWORD}")
        elif created == 0:
            self.stdout.write("Passwörter unverändert (neu setzen mit --password).")
        else:
            self.stdout.write(
                f"Neu angelegte Konten ({created}) haben das Passwort „{demo.DEFAULT_PASSWORD}“; bestehende "
                "Konten behalten ihr Passwort (neu setzen mit --password)."
            )
