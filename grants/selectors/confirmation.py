"""What a confirmation step shows before an action that cannot be undone: who (the body and its
file reference), what, the amounts per budget year with their total, and what happens next.

One `Confirmation` per action, rendered by templates/grants/_confirm_summary.html on every
confirmation page (submitting, recommending, approving, rejecting, issuing a notice, releasing
and booking a payment, fixing a reclaim, closing an award). Reads only; nothing here changes
anything."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from core.formats import format_date
from core.money import ZERO, format_eur
from grants.models import AmendmentRequest, Application, ApplicationStatus, Award, Disbursement, Notice, Reclaim
from grants.plan import codec
from grants.services.plans import requested_grant_by_year


@dataclass(frozen=True)
class Confirmation:
    """The summary of one action: `facts` as (label, text); `years` as (year, amount) under
    the column `amount_label`; `consequences` in the order they happen."""

    action: str
    facts: list[tuple[str, str]]
    consequences: list[str]
    years: list[tuple[int, Decimal]] = field(default_factory=list)
    amount_label: str = ""

    @property
    def total(self) -> Decimal:
        return sum((amount for _year, amount in self.years), ZERO)


def _who(application: Application) -> list[tuple[str, str]]:
    return [(_("Gebietskörperschaft"), application.municipality.display_name),
            (_("Aktenzeichen"), application.file_reference or _("wird beim Einreichen vergeben")),
            (_("Förderperiode"), str(application.programme))]


def _positive(amounts: Iterable[tuple[int, Decimal]]) -> list[tuple[int, Decimal]]:
    return sorted((year, amount) for year, amount in amounts if amount > 0)


def award_amounts(award: Award) -> list[tuple[int, Decimal]]:
    return _positive((row.year, row.amount) for row in award.years.select_related("budget"))


def application_submit_confirmation(application: Application) -> Confirmation:
    resubmission = application.status != ApplicationStatus.DRAFT
    consequences = [
        _("Der Antrag wird mit dem Finanzierungsplan, wie er jetzt gespeichert ist, beim Ministerium eingereicht."),
        _("Danach können Sie ihn nicht mehr ändern, nur zurückziehen – außer das Ministerium fordert Änderungen an."),
        _("Das Ministerium prüft den Antrag; Sie werden per E-Mail über das Ergebnis benachrichtigt."),
    ]
    if not application.file_reference:
        consequences.insert(1, _("Der Antrag erhält beim Einreichen sein Aktenzeichen."))
    return Confirmation(
        action=_("Antrag erneut einreichen") if resubmission else _("Antrag einreichen"),
        facts=_who(application) + [(_("Vorhabenzeitraum"), f"{format_date(application.period_start)} – "
                                                           f"{format_date(application.period_end)}")],
        years=_positive(requested_grant_by_year(application).items()), amount_label=_("beantragte Zuwendung"),
        consequences=consequences)


def recommend_confirmation(application: Application) -> Confirmation:
    return Confirmation(
        action=_("Zur Bewilligung empfehlen"), facts=_who(application),
        consequences=[
            _("Die Beträge und die Begründung, die Sie oben eintragen, werden als Empfehlung festgehalten."),
            _("Der Antrag geht zur Bewilligung; eine andere Person mit Bewilligungsbefugnis entscheidet "
              "(Vier-Augen-Prinzip)."),
            _("Die Empfehlung kann danach nicht mehr geändert werden."),
        ])


def approve_confirmation(application: Application, amounts: list[tuple[int, Decimal]]) -> Confirmation:
    return Confirmation(
        action=_("Antrag bewilligen"), facts=_who(application),
        years=_positive(amounts), amount_label=_("Zuwendung"),
        consequences=[
            _("Die Zuwendung wird mit den empfohlenen Beträgen bewilligt und bindet die Haushaltsansätze der Jahre."),
            _("Die Koordination wird per E-Mail benachrichtigt."),
            _("Die Bewilligung kann nicht zurückgenommen werden; der Zuwendungsbescheid wird danach gesondert "
              "erlassen."),
        ])


def reject_confirmation(application: Application) -> Confirmation:
    return Confirmation(
        action=_("Antrag ablehnen"), facts=_who(application),
        years=_positive(requested_grant_by_year(application).items()), amount_label=_("beantragte Zuwendung"),
        consequences=[
            _("Der Antrag wird mit der unten eingetragenen Begründung abgelehnt."),
            _("Die Koordination wird per E-Mail benachrichtigt; der Ablehnungsbescheid wird danach erlassen."),
            _("Die Ablehnung kann nicht zurückgenommen werden."),
        ])


def notice_issue_confirmation(application: Application, kind: str) -> Confirmation:
    award = getattr(application, "award", None) if kind != Notice.Kind.REJECTION else None
    years = award_amounts(award) if award is not None else []
    if kind == Notice.Kind.REJECTION:
        years = _positive(requested_grant_by_year(application).items())
    municipality = application.municipality
    return Confirmation(
        action=_("%(kind)s erlassen") % {"kind": Notice.Kind(kind).label},
        facts=_who(application) + [(_("Bescheidempfänger"), ", ".join(municipality.address_lines))],
        years=years, amount_label=_("beantragt") if kind == Notice.Kind.REJECTION else _("bewilligt"),
        consequences=[
            _("Der Bescheid wird als PDF erzeugt und erhält die nächste Bescheidnummer; das dauert einige Sekunden."),
            _("Danach ist er unveränderlich gespeichert und für die Koordination (%(body)s) abrufbar. "
              "Korrekturen ergehen nur als Änderungsbescheid.") % {"body": municipality.display_name},
            _("Die Bekanntgabe (Versand) erfassen Sie anschließend am Bescheid."),
        ])


def _disbursement_facts(disbursement: Disbursement) -> list[tuple[str, str]]:
    application = disbursement.award_year.award.application
    facts = _who(application) + [(_("Haushaltsjahr"), str(disbursement.award_year.year)),
                                 (_("Betrag"), format_eur(disbursement.amount))]
    if disbursement.prepared_by is not None:
        facts.append((_("vorbereitet von"), disbursement.prepared_by.get_full_name() or str(disbursement.prepared_by)))
    return facts


def release_confirmation(disbursement: Disbursement) -> Confirmation:
    return Confirmation(
        action=_("Auszahlung freigeben"), facts=_disbursement_facts(disbursement),
        years=[(disbursement.award_year.year, disbursement.amount)], amount_label=_("Auszahlung"),
        consequences=[
            _("Die Auszahlung über %(amount)s für %(year)s wird freigegeben und geht in die nächste "
              "Zahlungsanordnung an die Landeskasse.") % {"amount": format_eur(disbursement.amount),
                                                         "year": disbursement.award_year.year},
            _("Die Freigabe kann nicht zurückgenommen werden; danach wird die Zahlung nur noch gebucht."),
        ])


def book_confirmation(disbursement: Disbursement) -> Confirmation:
    """Only what happens: the booking page shows the payment's facts and figures above."""
    return Confirmation(
        action=_("Auszahlung buchen"), facts=[],
        consequences=[
            _("Die Zahlung über %(amount)s wird mit Datum und Buchungszeichen als ausgezahlt gebucht; sie zählt "
              "dann zu den ausgezahlten Mitteln des Jahres %(year)s.") % {"amount": format_eur(disbursement.amount),
                                                                         "year": disbursement.award_year.year},
            _("Die Koordination sieht die Zahlung auf der Seite der Zuwendung."),
            _("Die Buchung kann nicht zurückgenommen werden."),
        ])


def payment_reject_confirmation(disbursement: Disbursement) -> Confirmation:
    """Only what happens: the page shows the request's facts and figures above."""
    return Confirmation(
        action=_("Mittelabruf ablehnen"), facts=[],
        consequences=[
            _("Der Mittelabruf über %(amount)s für %(year)s wird mit der unten eingetragenen Begründung abgelehnt; "
              "es wird nichts ausgezahlt.") % {"amount": format_eur(disbursement.amount),
                                              "year": disbursement.award_year.year},
            _("Die Koordination sieht die Ablehnung mit der Begründung auf der Seite der Zuwendung."),
            _("Die Ablehnung kann nicht zurückgenommen werden."),
        ])


def reclaim_issue_confirmation(reclaim: Reclaim, *, due_on: date) -> Confirmation:
    application = reclaim.award.application
    return Confirmation(
        action=_("Rückforderung festsetzen"),
        facts=_who(application) + [(_("Grund"), reclaim.get_ground_display()),
                                   (_("Erstattungsbetrag"), format_eur(reclaim.principal)),
                                   (_("Verzinsung ab"), format_date(reclaim.interest_from)),
                                   (_("zu zahlen bis"), format_date(due_on))],
        years=[(reclaim.award_year.year, reclaim.principal)], amount_label=_("Erstattungsbetrag"),
        consequences=[
            _("Der Erstattungsbetrag wird festgesetzt und der Rückforderungsbescheid als PDF erzeugt; das dauert "
              "einige Sekunden."),
            _("Der Bescheid ist danach unveränderlich; die Koordination (%(body)s) wird per E-Mail benachrichtigt "
              "und hat den Betrag bis zum %(date)s zu zahlen.") % {"body": application.municipality.display_name,
                                                                    "date": format_date(due_on)},
        ])


def award_close_confirmation(award: Award) -> Confirmation:
    return Confirmation(
        action=_("Zuwendung abschließen"), facts=_who(award.application),
        years=award_amounts(award), amount_label=_("bewilligt"),
        consequences=[
            _("Die Zuwendung wird abgeschlossen. Danach sind keine Mittelabrufe, Nachweise, Rückforderungen oder "
              "Änderungsanträge mehr möglich."),
            _("Die Koordination wird per E-Mail benachrichtigt."),
            _("Der Abschluss kann nicht zurückgenommen werden."),
        ])


def amendment_approve_confirmation(amendment: AmendmentRequest) -> Confirmation:
    application = amendment.award.application
    return Confirmation(
        action=_("Änderungsantrag bewilligen und Änderungsbescheid erlassen"),
        facts=_who(application) + [(_("neues Ende des Bewilligungszeitraums"), format_date(amendment.period_end))],
        years=_positive(codec.decode(amendment.plan).grant_by_year().items()), amount_label=_("neue Zuwendung"),
        consequences=[
            _("Die Zuwendung erhält den beantragten Zeitraum und Finanzierungsplan als neue Fassung; die "
              "Haushaltsansätze werden entsprechend gebunden."),
            _("Der Änderungsbescheid wird sofort als PDF erzeugt und erhält die nächste Bescheidnummer; das dauert "
              "einige Sekunden. Danach ist er unveränderlich."),
            _("Die Koordination (%(body)s) wird per E-Mail benachrichtigt.")
            % {"body": application.municipality.display_name},
        ])
