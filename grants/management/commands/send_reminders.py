"""E-mail the reminders of reporting deadlines that are due today (grants/services/reminders.py).

With a broker the beat schedule runs the same every morning (background.reminders_send);
this command stays for a run by hand. Safe to run every day: a reminder is put into the
outbox once and never again; the outbox sends it and retries while the mail server refuses.
`--today` runs for another day (backfill, tests), `--dry-run` only lists what would be sent.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.formats import format_date
from grants.services.reminders import Reminder, reminders_send


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("„%(value)s“ ist kein gültiges Datum für --today; erwartet wird JJJJ-MM-TT, z. B. 2026-03-31.")
            % {"value": value}) from None


def _line(reminder: Reminder) -> str:
    row = reminder.row
    return _("%(stage)s · %(ref)s · %(body)s · %(proof)s, fällig am %(due)s → %(address)s") % {
        "stage": reminder.code, "ref": row.application.file_reference, "body": row.municipality.display_name,
        "proof": row.proof_label, "due": format_date(row.deadline.due), "address": reminder.address}


class Command(BaseCommand):
    # Lazy: translated when the help is shown. The stubs type `help` as str only.
    help = gettext_lazy(  # type: ignore[assignment]
        "Versendet fällige Erinnerungen an Zwischen- und Verwendungsnachweise (14 Tage vor der Frist, "
        "am Tag nach der Frist und danach alle 30 Tage). Jede Erinnerung geht nur einmal hinaus; "
        "täglich ausführbar (mit Broker erledigt das der Zeitplan von „make beat“).")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help=gettext_lazy("Nur anzeigen, was versandt würde; nichts senden, nichts vermerken."))
        parser.add_argument("--today", metavar="JJJJ-MM-TT",
                            help=gettext_lazy("Stichtag statt des heutigen Datums (für Nachholläufe und Tests)."))

    def handle(self, *args, dry_run=False, today=None, **options):
        day = _day(today) if today else None
        summary = reminders_send(today=day, dry_run=dry_run)
        stamp = format_date(summary.today)
        if dry_run:
            for reminder in summary.planned:
                self.stdout.write(_line(reminder))
            self.stdout.write(ngettext(
                "Probelauf für den %(day)s: %(n)s Erinnerung würde versandt, %(old)s bereits früher versandt.",
                "Probelauf für den %(day)s: %(n)s Erinnerungen würden versandt, %(old)s bereits früher versandt.",
                len(summary.planned)) % {"day": stamp, "n": len(summary.planned), "old": summary.already_sent})
            return
        for reminder in summary.sent:
            self.stdout.write(_line(reminder))
        self.stdout.write(ngettext(
            "Erinnerungen für den %(day)s: %(n)s in den Postausgang gestellt, %(old)s bereits früher versandt.",
            "Erinnerungen für den %(day)s: %(n)s in den Postausgang gestellt, %(old)s bereits früher versandt.",
            len(summary.sent)) % {"day": stamp, "n": len(summary.sent), "old": summary.already_sent})
