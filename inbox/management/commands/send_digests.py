"""Mail the daily digest of notifications to everyone who chose it (inbox/services.py).

With a broker the beat schedule runs the same every morning (inbox.digests_send); this command
stays for a run by hand. Safe to run often: one digest per person and day, each entry in one
digest only. `--day` sends the digest of another day (default: yesterday).
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.formats import format_date
from inbox.services import digests_send


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("„%(value)s“ ist kein gültiges Datum für --day; erwartet wird JJJJ-MM-TT, z. B. 2026-03-31.")
            % {"value": value}) from None


class Command(BaseCommand):
    help = gettext_lazy(  # type: ignore[assignment]
        "Versendet die tägliche Zusammenfassung der Benachrichtigungen an alle, die sie gewählt haben "
        "(je Person und Tag nur einmal; mit Broker erledigt das der Zeitplan von „make beat“).")

    def add_arguments(self, parser):
        parser.add_argument("--day", metavar="JJJJ-MM-TT",
                            help=gettext_lazy("Tag der Zusammenfassung statt des Vortags (für Nachholläufe)."))

    def handle(self, *args, day=None, **options):
        summary = digests_send(day=_day(day) if day else None)
        entries = sum(summary.sent.values())
        self.stdout.write(ngettext(
            "Zusammenfassung für den %(day)s: %(n)s E-Mail mit %(entries)s Benachrichtigungen in den Postausgang "
            "gestellt.",
            "Zusammenfassung für den %(day)s: %(n)s E-Mails mit %(entries)s Benachrichtigungen in den Postausgang "
            "gestellt.", len(summary.sent)) % {"day": format_date(summary.day), "n": len(summary.sent),
                                               "entries": entries})
