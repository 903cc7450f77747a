"""Send the pending mails of the outbox whose next attempt is due, here and now.

With a broker the beat schedule does this every minute (background.outbox_resend_pending);
without one (`make run`) this command sends what the mail server refused earlier.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from background.outbox import Delivery, outbox_send_due


class Command(BaseCommand):
    help = gettext_lazy(  # type: ignore[assignment]
        "Sendet die ausstehenden E-Mails des Postausgangs, deren nächster Versuch fällig ist.")

    def handle(self, *args, **options):
        counts = outbox_send_due()
        self.stdout.write(_("Postausgang: %(sent)s versandt, %(failed)s erneut abgelehnt, %(skipped)s übersprungen.")
                          % {"sent": counts[Delivery.SENT], "failed": counts[Delivery.FAILED],
                             "skipped": counts[Delivery.SKIPPED]})
        if counts[Delivery.FAILED]:
            raise CommandError(_("%(n)s E-Mail(s) hat der Mailserver abgelehnt; sie bleiben im Postausgang.")
                               % {"n": counts[Delivery.FAILED]})
