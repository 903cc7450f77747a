"""What keeps a SEPA credit transfer file (pain.001) of a payment order export from being made:
no valid paying account configured, an export from before the bank details, an invalid payee
account in the snapshot, or a file that exists already."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core import banking
from core.errors import DomainError
from grants.models import PaymentOrderExport, PaymentOrderSepaFile
from grants.policies.base import Refusal


def _account_problems(iban: str, bic: str, *, iban_label: str, bic_label: str) -> list[str]:
    problems = []
    for value, label, validate in ((iban, iban_label, banking.validate_iban), (bic, bic_label, banking.validate_bic)):
        if not value:
            problems.append(_("%(field)s fehlt") % {"field": label})
            continue
        try:
            validate(value)
        except ValidationError as error:
            problems.append(_("%(field)s: %(problem)s") % {"field": label, "problem": " ".join(error.messages)})
    if not problems and not banking.bic_matches_iban(bic, iban):
        problems.append(_("%(bic)s und %(iban)s nennen verschiedene Länder") % {"bic": bic_label, "iban": iban_label})
    return problems


def refuse_sepa_debtor() -> Refusal | None:
    """The paying account (Auftraggeber) must be configured and valid; the message says what to set."""
    problems = [] if settings.SEPA_DEBTOR_NAME.strip() else [_("SEPA_DEBTOR_NAME (Kontoinhaber) fehlt")]
    problems += _account_problems(banking.compact(settings.SEPA_DEBTOR_IBAN), banking.compact(settings.SEPA_DEBTOR_BIC),
                                  iban_label="SEPA_DEBTOR_IBAN", bic_label="SEPA_DEBTOR_BIC")
    if not problems:
        return None
    return Refusal(_("Die SEPA-Datei kann nicht erstellt werden: Das Konto der Landeshauptkasse, von dem "
                     "gezahlt wird (Auftraggeber), ist nicht gültig eingerichtet – %(problems)s. Bitte im Betrieb "
                     "die Umgebungsvariablen SEPA_DEBTOR_NAME, SEPA_DEBTOR_IBAN und SEPA_DEBTOR_BIC setzen und die "
                     "Anwendung neu starten. CSV und XLSX sind davon nicht betroffen.")
                   % {"problems": "; ".join(problems)}, DomainError, shown=True)


def refuse_sepa_snapshot(export: PaymentOrderExport) -> Refusal | None:
    """A SEPA file is made from the export's snapshot: it needs every payee's IBAN and BIC
    (snapshot version 2 on) and they must be valid."""
    if export.snapshot.get("version", 1) < 2:
        return Refusal(_("Aus dem Export %(number)s lässt sich keine SEPA-Datei erstellen: Er stammt aus der Zeit vor "
                         "den Bankverbindungen der Zahlungsempfänger und enthält weder IBAN noch BIC. Seine Zahlungen "
                         "sind mit der CSV-Datei angewiesen worden.") % {"number": export.number}, DomainError)
    problems = []
    accounts = dict.fromkeys((row["payee"], banking.compact(row["iban"]), banking.compact(row["bic"]))
                             for row in export.snapshot["rows"])
    for payee, iban, bic in accounts:
        if missing := _account_problems(iban, bic, iban_label=_("IBAN"), bic_label=_("BIC")):
            problems.append(_("%(body)s: %(problems)s") % {"body": payee, "problems": ", ".join(missing)})
    if problems:
        return Refusal(_("Aus dem Export %(number)s lässt sich keine SEPA-Datei erstellen: Die Bankverbindung eines "
                         "Zahlungsempfängers ist ungültig – %(problems)s.")
                       % {"number": export.number, "problems": "; ".join(problems)}, DomainError)
    return None


def refuse_sepa_file_exists(export: PaymentOrderExport) -> Refusal | None:
    if PaymentOrderSepaFile.objects.filter(export=export).exists():
        return Refusal(_("Für den Export %(number)s gibt es bereits eine SEPA-Datei; sie lässt sich nur erneut "
                         "herunterladen.") % {"number": export.number}, DomainError)
    return None
