"""Demo data: a realistic programme history, built through the services.

`seed()` creates the two WIR funding periods (2021–2025, closed and fully awarded;
2026–2030, open for applications), the accounts to try every role, and the history in
between: applications, reviews, recommendations, awards, notices and payments. Every
state is reached through the service that the application itself uses, so the data
obeys every rule and carries its audit trail. Each step runs at the historic moment it
stands for, so its creation times and audit entries read as it would have happened.

Idempotent: accounts are found by username and the periods by their code; whatever
already exists is left alone, so a second run writes nothing.

This module runs the parts in order: `accounts` (demo accounts, postal addresses),
`period_2021` and `period_2026` (one funding period each), on what `common` provides.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from django.db import transaction

from accounts.models import User
from audit.models import AuditEntry
from grants.demo.accounts import DEFAULT_PASSWORD, DemoSetupError, all_accounts, ensure_accounts, ensure_addresses

# For bench/notices.py, which builds further applications the way the demo does.
from grants.demo.common import CODE_2021, CODE_2026, WMK, History, at, balanced_plan, centre_purpose
from grants.demo.period_2021 import CENTRES_2021

# seed() looks the centres and the period builders up here when it runs, so tests can
# replace them (fewer centres to stay quick, a failing builder to check the rollback).
from grants.demo.period_2021 import build_2021 as _build_2021
from grants.demo.period_2026 import build_2026 as _build_2026
from grants.models import (
    Application,
    Award,
    Disbursement,
    FundingProgramme,
    Notice,
)
from inbox.models import Notification
from legal.services import legal_pages_ensure_defaults

# The legal pages' texts go online with the demo's last step (the statement names this date).
LEGAL_TEXTS_ON = date(2026, 11, 23)

__all__ = [
    "CENTRES_2021", "CODE_2021", "CODE_2026", "DEFAULT_PASSWORD", "WMK", "balanced_plan", "centre_purpose",
    "DemoSetupError", "SeedResult", "all_accounts", "seed", "summary",
]


@dataclass
class SeedResult:
    accounts: list[tuple[User, bool]] = field(default_factory=list)  # (user, created now)
    built: list[str] = field(default_factory=list)  # programme codes built in this run


def seed(*, password: str | None = None) -> SeedResult:
    """Build whatever part of the demo is missing, in one transaction.

    `password` sets the password of every demo account, also existing ones; without it
    new accounts get DEFAULT_PASSWORD and existing ones keep theirs.
    """
    with transaction.atomic():
        result = SeedResult()
        result.accounts = ensure_accounts(all_accounts(CENTRES_2021), password)
        ensure_addresses()
        accounts = {user.username: user for user, _ in result.accounts}
        history = History()
        # Impressum, Datenschutzerklärung, Erklärung zur Barrierefreiheit of the demo ministry.
        history.at(at(LEGAL_TEXTS_ON, 8), legal_pages_ensure_defaults)
        builders: dict[str, Callable[[dict[str, User], History], None]] = {
            CODE_2021: partial(_build_2021, centres=CENTRES_2021), CODE_2026: _build_2026}
        existing = set(FundingProgramme.objects.filter(code__in=builders).values_list("code", flat=True))
        for code, build in builders.items():
            if code not in existing:
                build(accounts, history)
                result.built.append(code)
        if result.built:
            notifications_seen()
    return result


FILE_REFERENCE = re.compile(r"WIR-\d{2}-\d{4}")


def notifications_seen() -> None:
    """A person who acted on a case after being told of it has read the notification: marked
    read at that moment. What nobody followed up stays unread – the demo's open hand-overs."""
    for notification in Notification.objects.filter(read_at__isnull=True):
        reference = FILE_REFERENCE.search(notification.title)
        if reference is None:
            continue
        acted = (AuditEntry.objects.filter(actor_id=notification.recipient_id, created_at__gt=notification.created_at,
                                           object_repr__contains=reference.group())
                 .order_by("created_at").values_list("created_at", flat=True).first())
        if acted is not None:
            Notification.objects.filter(pk=notification.pk).update(read_at=acted)


def summary() -> dict:
    """Figures the command prints after seeding."""
    programmes = FundingProgramme.objects.filter(code__in=[CODE_2021, CODE_2026])
    wmk_award = Award.objects.filter(application__programme__code=CODE_2021,
                                     application__municipality__name=WMK).first()
    return {
        "programmes": list(programmes.order_by("period_start").values_list("code", flat=True)),
        "applications": Application.objects.filter(programme__in=programmes).count(),
        "awards": Award.objects.filter(application__programme__in=programmes).count(),
        "notices": Notice.objects.filter(application__programme__in=programmes).count(),
        "payments": Disbursement.objects.filter(award_year__award__application__programme__in=programmes,
                                                status=Disbursement.Status.PAID).count(),
        "wmk_award": wmk_award,
    }
