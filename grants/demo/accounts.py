"""Demo accounts: one for each ministry role, one coordinator per body, and the bodies' addresses.

`all_accounts()` lists them (the coordinators of the 2021–2025 centres come from
`period_2021.CENTRES_2021`); `ensure_accounts` creates whichever is missing and
`ensure_addresses` fills in the postal addresses the body list leaves empty.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.roles import Role
from grants.demo.common import ADDRESSES, BAD_HOMBURG, HTK, WMK, at
from grants.demo.period_2021 import CENTRES_2021, Centre
from municipalities.models import Municipality

DEFAULT_PASSWORD = "demo-wir-2021"
# The ministry demo accounts sign in with a second factor like everyone in production; their
# authenticator key is this one, public (README): base32 K5EV ELKE MVWW 6LJS IZAS 2U3D NBWH K43T,
# to type into any authenticator app, or `manage.py demo_otp_code <name>` prints the current code.
DEMO_TOTP_KEY = "5749522d44656d6f2d3246412d5363686c757373"
DEMO_TOTP_DEVICE_NAME = "Demo-Authenticator"


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    first_name: str
    last_name: str
    email: str
    body: str | None = None
    superuser: bool = False


MINISTRY_ACCOUNTS = [
    Account("admin", Role.PROGRAMMVERWALTUNG, "Sabine", "Hoffmann", "sabine.hoffmann@example.org", superuser=True),
    Account("sachbearbeitung", Role.SACHBEARBEITUNG, "Katrin", "Weber", "katrin.weber@example.org"),
    Account("bewilligung", Role.BEWILLIGUNG, "Michael", "Brandt", "michael.brandt@example.org"),
]

HTK_ACCOUNT = Account("koordination-htk", Role.KOORDINATION, "Tobias", "Lehmann", "tobias.lehmann@example.org",
                      body=HTK)
BAD_HOMBURG_ACCOUNT = Account("koordination-bad-homburg", Role.KOORDINATION, "Miriam", "Schäfer",
                              "miriam.schaefer@example.org", body=BAD_HOMBURG)


def all_accounts(centres: list[Centre] = CENTRES_2021) -> list[Account]:
    """Every demo account: the ministry, the WMK and HTK coordinators, then the other bodies'."""
    coordinators = [
        Account(c.username, Role.KOORDINATION, c.first_name, c.last_name, c.email, body=c.body)
        for c in centres
    ]
    wmk = [a for a in coordinators if a.body == WMK]
    others = [a for a in coordinators if a.body != WMK]
    return [*MINISTRY_ACCOUNTS, *wmk, HTK_ACCOUNT, BAD_HOMBURG_ACCOUNT, *others]


class DemoSetupError(Exception):
    """The database holds something the demo cannot build on (e.g. a clashing account)."""


def ensure_accounts(specs: list[Account], password: str | None) -> list[tuple[User, bool]]:
    bodies = {m.name: m for m in Municipality.objects.all()}
    # Hashed once for all accounts: hashing is deliberately slow, and it is one known password.
    hashed = make_password(password or DEFAULT_PASSWORD)
    result = []
    for spec in specs:
        body = bodies[spec.body] if spec.body else None
        user = User.objects.filter(username=spec.username).first()
        created = user is None
        if user is None:
            user = User(username=spec.username, role=spec.role, municipality=body,
                        first_name=spec.first_name, last_name=spec.last_name, email=spec.email,
                        is_staff=spec.superuser, is_superuser=spec.superuser,
                        date_joined=at(date(2026, 10, 1) if spec.body == HTK else date(2020, 11, 2), 8))
            user.password = hashed
            user.save()
        else:
            if user.role != spec.role or user.municipality_id != (body.pk if body else None):
                where = f", {body}" if body else ""
                raise DemoSetupError(
                    f"Das Konto „{spec.username}“ besteht bereits mit einer anderen Rolle oder "
                    f"Gebietskörperschaft; die Demo braucht es als {Role(spec.role).label}{where}. "
                    "Bitte das Konto umbenennen oder eine leere Datenbank verwenden."
                )
            if password is not None:
                user.password = hashed
                user.save(update_fields=["password"])
        result.append((user, created))
    ensure_demo_second_factor([user for user, _ in result
                               if user.username in {spec.username for spec in MINISTRY_ACCOUNTS}])
    return result


def ensure_demo_second_factor(users: list[User]) -> None:
    """Give each ministry demo account without a second factor the public demo key."""
    for user in users:
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name=DEMO_TOTP_DEVICE_NAME, key=DEMO_TOTP_KEY, confirmed=True)


def ensure_addresses() -> None:
    for name, (street, postal_code, city) in ADDRESSES.items():
        Municipality.objects.filter(name=name, street="", postal_code="", city="").update(
            street=street, postal_code=postal_code, city=city)
