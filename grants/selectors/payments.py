"""Payments: what a body may call now and why, an award's payment figures per year, and the
released payments that go to the state treasury as payment orders."""

import datetime as dt
import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import clock
from core.clock import add_months
from core.formats import format_date
from core.money import CENT, ZERO, format_eur, to_money
from grants.models import Award, AwardYear, Disbursement, PaymentOrderExport
from grants.selectors.awards import award_year_figures

# -- Mittelabruf ----------------------------------------------------------------------------------


def callable_now(*, award_year: AwardYear, today: date | None = None, called: Decimal | None = None,
                 months: int | None = None, explain: bool = True) -> tuple[Decimal, str]:
    """How much of one award year may be called now, and why (a German sentence for the form).

    Funds may only be called as far as they are needed within N months after payment
    (`FundingProgramme.funds_use_months`, default 2). For budget year Y with awarded amount A
    and already called C (the requests holding their amount: requested, prepared, released,
    paid):

    - horizon = today + N calendar months;
    - months_needed = the months of Y that have begun by the horizon, clamped to 0..12
      (horizon before Y: 0; horizon in Y: its month number; horizon after Y: 12 – so a past
      year, or the current year once the horizon reaches the next one, gives the whole year);
    - callable = max(0, round_down_to_cents(A × months_needed / 12) − C), capped at A − C.

    Example: A = 100.000,00 €, N = 2, C = 0. On 15.01.2026 the horizon is 15.03.2026: three
    months (January to March) of 2026 have begun → 25.000,00 €. On 25.11.2026 the horizon is
    25.01.2027: all of 2026 (100.000,00 €) and one month of 2027 (8.333,33 €). Funds for 2028
    become callable on 01.11.2027.

    `today` defaults to `clock.today()`; `called` and `months` are read from the database when
    not given (callers that already hold them pass them, e.g. the locked request). Without
    `explain` the sentence is left empty (the start page only asks how much).
    """
    today = today or clock.today()
    year, awarded = award_year.year, award_year.amount
    if months is None:
        months = award_year.award.application.programme.funds_use_months
    if called is None:
        called = award_year.disbursements.filter(status__in=Disbursement.ACTIVE_STATUSES).aggregate(
            total=Sum("amount"))["total"] or ZERO
    horizon = add_months(today, months)
    months_needed = 0 if horizon.year < year else 12 if horizon.year > year else horizon.month
    share = (awarded * months_needed / 12).quantize(CENT, rounding=ROUND_DOWN)
    left = max(ZERO, awarded - called)
    amount = min(max(ZERO, share - called), left)
    if not explain:
        return amount, ""
    rule = ngettext(
        "Mittel dürfen nur angefordert werden, soweit sie innerhalb von %(months)s Monat nach der Auszahlung "
        "benötigt werden",
        "Mittel dürfen nur angefordert werden, soweit sie innerhalb von %(months)s Monaten nach der Auszahlung "
        "benötigt werden", months) % {"months": months}
    figures = {"year": year, "amount": format_eur(amount), "awarded": format_eur(awarded),
               "called": format_eur(called), "rule": rule}
    if left == ZERO:
        return amount, _("Für %(year)s ist der bewilligte Betrag von %(awarded)s vollständig abgerufen.") % figures
    if months_needed == 0:
        # The first day of the month whose horizon reaches January of the year.
        figures["from"] = format_date(add_months(date(year, 1, 1), -months))
        return amount, _("Für %(year)s sind Mittel erst ab %(from)s abrufbar: %(rule)s.") % figures
    if year < today.year:
        return amount, _("Abrufbar sind derzeit höchstens %(amount)s: %(year)s ist abgelaufen; abgerufen werden "
                         "kann der gesamte Rest der bewilligten %(awarded)s, abzüglich bereits abgerufener "
                         "%(called)s.") % figures
    if months_needed == 12:
        return amount, _("Abrufbar sind derzeit höchstens %(amount)s: %(rule)s; für %(year)s ist das der gesamte "
                         "bewilligte Betrag von %(awarded)s, abzüglich bereits abgerufener %(called)s.") % figures
    figures.update(month=MONTHS[months_needed], months_needed=months_needed)
    return amount, _("Abrufbar sind derzeit höchstens %(amount)s: %(rule)s; für %(year)s sind das bis Ende "
                     "%(month)s %(months_needed)s/12 der bewilligten %(awarded)s, abzüglich bereits abgerufener "
                     "%(called)s.") % figures


def payment_year_rows(award: Award, today: date | None = None, *,
                      disbursements: list[Disbursement] | None = None, explain: bool = True) -> list[dict]:
    """Per year of the award: awarded, called, paid, remaining, and what may be called now and
    why (nothing for a closed award, nor before the award's Zuwendungsbescheid is issued).
    `disbursements`: all of the award's requests where the caller has them already; without
    `explain` the reasons for a running award are left empty."""
    from grants.policies.payments import refuse_before_notice  # the policy reads these selectors

    today = today or clock.today()
    months = award.application.programme.funds_use_months
    rows = award_year_figures(award, disbursements)
    waiting = refuse_before_notice(award, today=today) if award.status == Award.Status.RUNNING else None
    for row in rows:
        if waiting is not None:
            # No money before the notice (or, where the period says so, before it is final).
            row["callable"], row["why"] = ZERO, waiting.reason
        elif award.status == Award.Status.RUNNING:
            row["callable"], row["why"] = callable_now(award_year=row["award_year"], today=today,
                                                       called=row["called"], months=months, explain=explain)
        else:
            row["callable"], row["why"] = None, _("Die Zuwendung ist abgeschlossen.")
    return rows


# -- Payment orders for the state treasury ------------------------------------------------------

# SEPA remittance information (unstructured) holds 140 characters.
PURPOSE_MAX_LENGTH = 140
_ORDER_RELATED = ("award_year__budget", "award_year__award__application__municipality",
                  "award_year__award__application__programme")


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Start of `day` and of the next day in the local time zone (Europe/Berlin), aware.

    Built from the calendar days, so a day with a clock change has 23 or 25 hours."""
    zone = timezone.get_default_timezone()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min), zone)
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min), zone)
    return start, end


def payment_orders_pending(day: dt.date) -> QuerySet[Disbursement]:
    """Released (not yet booked as paid) payments released on `day` that no export holds yet."""
    start, end = day_bounds(day)
    return (Disbursement.objects
            .filter(status=Disbursement.Status.RELEASED, export__isnull=True,
                    released_at__gte=start, released_at__lt=end)
            .select_related(*_ORDER_RELATED)
            .order_by("award_year__award__application__municipality__name", "released_at", "pk"))


# Letters (with umlauts and ß), digits, and the punctuation of the SEPA character set.
_NOT_ALLOWED = re.compile(r"[^0-9A-Za-zÄÖÜäöüß/\-?:().,'+& ]")
_SPACES = re.compile(r"\s+")


def _clean(text: str) -> str:
    """Only characters a remittance line may hold; no leading sign a spreadsheet would read
    as a formula."""
    text = _SPACES.sub(" ", _NOT_ALLOWED.sub(" ", text or "")).strip()
    return text.lstrip("+-/?:().,'& ").strip()


def purpose_line(*, title: str, file_reference: str, budget_year: int, requested_on: dt.date,
                 programme: str = "") -> str:
    """`WIR-Vielfaltszentrum, Zuwendung WIR-26-0001, HHJ 2026, Abruf vom 25.11.2026`, at most 140
    characters; with `programme` its name leads (`WIR Vielfalt und Teilhabe, WIR-Vielfaltszentrum, …`).
    Only the leading part (programme and project title) is shortened (at a word if possible): the
    file reference, the budget year and the date by which the treasury matches the payment stay whole."""
    # Translators: the fixed part of the payment's purpose line (SEPA, at most 140 characters).
    tail = _("Zuwendung %(reference)s, HHJ %(year)s, Abruf vom %(date)s") % {
        "reference": file_reference, "year": budget_year, "date": format_date(requested_on)}
    tail = _clean(tail)[:PURPOSE_MAX_LENGTH]
    room = PURPOSE_MAX_LENGTH - len(tail) - len(", ")
    head = ", ".join(part for part in (_clean(programme), _clean(title)) if part)
    if len(head) > room:
        cut = head[:max(room, 0)]
        if " " in cut and head[len(cut):len(cut) + 1] not in ("", " "):
            cut = cut.rsplit(" ", 1)[0]
        head = cut.rstrip(" ,.-/")
    return f"{head}, {tail}" if head else tail


def kassenzeichen(*, file_reference: str, disbursement_pk: int) -> str:
    """The Kassenzeichen by which the treasury books and matches one payment:
    `<Aktenzeichen>-Z<number of the payment, six digits>`, e.g. `WIR-21-0001-Z000042`.

    The number is the payment's (Disbursement's) database key, which is never reused, so the
    Kassenzeichen is unique per payment and the same on every export and re-delivery; the file
    reference in front lets a person find the grant from it without the system."""
    return f"{file_reference or 'OHNE-AZ'}-Z{disbursement_pk:06d}"


def payment_order_row(disbursement: Disbursement) -> dict:
    """One payment order as the export's snapshot stores it (snapshot version 2: with the
    legal payee, the treasury's bank details, the Haushaltsstelle and the Kassenzeichen)."""
    application = disbursement.award_year.award.application
    body = application.municipality
    programme = application.programme
    year = disbursement.award_year.budget.year
    file_reference = application.file_reference or ""
    return {
        "disbursement": disbursement.pk,
        "recipient": body.display_name,
        "payee": body.payee,
        "account_holder": body.treasury_account_holder,
        "iban": body.iban,
        "bic": body.bic,
        "kassenzeichen": kassenzeichen(file_reference=file_reference, disbursement_pk=disbursement.pk),
        "budget_line": programme.budget_line,
        "ags": body.ags,
        "file_reference": file_reference,
        "budget_year": year,
        "amount": str(to_money(disbursement.amount)),
        "purpose": purpose_line(programme=programme.name, title=application.title, file_reference=file_reference,
                                budget_year=year, requested_on=timezone.localdate(disbursement.requested_at)),
    }


@dataclass(frozen=True)
class PaymentOrderRow:
    """One payment order; exports of snapshot version 1 (before the bank details) lack the
    fields with a default."""

    disbursement: int
    recipient: str
    ags: str
    file_reference: str
    budget_year: int
    amount: Decimal
    purpose: str
    payee: str = ""
    account_holder: str = ""
    iban: str = ""
    bic: str = ""
    kassenzeichen: str = ""
    budget_line: str = ""


def export_rows(export: PaymentOrderExport) -> list[PaymentOrderRow]:
    """The rows as exported, from the snapshot."""
    return [PaymentOrderRow(**{**row, "amount": Decimal(row["amount"])}) for row in export.snapshot["rows"]]


def payment_orders_preview(day: dt.date) -> list[PaymentOrderRow]:
    """What an export of `day` would contain now, row by row as the files would show it."""
    return [PaymentOrderRow(**{**row, "amount": Decimal(row["amount"])})
            for row in map(payment_order_row, payment_orders_pending(day))]


