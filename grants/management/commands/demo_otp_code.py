"""Print the current second-factor code of a ministry demo account (DEBUG only).

Only devices that carry the public demo key (grants/demo/accounts.py) are answered: the
command reveals nothing a reader of the README could not compute."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from grants.demo.accounts import DEMO_TOTP_KEY


class Command(BaseCommand):
    help = "Zeigt den aktuellen Code des zweiten Faktors eines Demo-Kontos (nur mit DEBUG=true)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="z. B. sachbearbeitung, bewilligung oder admin")

    def handle(self, *args, username: str, **options):
        if not settings.DEBUG:
            raise CommandError("demo_otp_code läuft nur mit DEBUG=true.")
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True, key=DEMO_TOTP_KEY).first()
        if device is None:
            raise CommandError(f"„{username}“ hat keinen Demo-Schlüssel (nur die Demo-Konten des Ministeriums "
                               "nach seed_demo haben einen).")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        seconds_left = device.step - int(totp.time - device.t0) % device.step
        self.stdout.write(f"{totp.token():0{device.digits}d}")
        self.stderr.write(f"(gültig noch {seconds_left} s; jeder Code gilt für eine Anmeldung)")
