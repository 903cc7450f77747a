"""Bank details: IBAN and BIC checked with schwifty (ISO 13616 checksum, the country's length
and structure; ISO 9362 for the BIC), with German messages for every way they can be wrong.

The treasuries' real account numbers are not public. Demo data and the repository's list use
TEST IBANs built from the bank code `TEST_BANK_CODE`, which no German bank has: they pass the
checksum (so every screen and export can be tried) and are recognised by `is_test_iban`, so
the admin warns before anyone pays to them.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from schwifty import BIC, IBAN
from schwifty import exceptions as schwifty_errors

# Eight digits no bank in the Bundesbank's bank code list carries; IBANs built from it are test data.
TEST_BANK_CODE = "12345678"
TEST_BANK_NAME = "TEST – keine echte Bankverbindung"
TEST_BIC = "TESTDEFFXXX"
# Treasury accounts of Hessian bodies are held in Germany; payment orders go out as SEPA
# credit transfers in euro from the Landeshauptkasse.
ALLOWED_COUNTRIES = ("DE",)


def compact(value: str) -> str:
    """`de89 3704 0044 0532 0130 00` → `DE89370400440532013000`."""
    return "".join((value or "").split()).upper()


def format_iban(value: str) -> str:
    """Groups of four, as printed on paper: `DE89 3704 0044 0532 0130 00`."""
    value = compact(value)
    return " ".join(value[i:i + 4] for i in range(0, len(value), 4))


def validate_iban(value: str) -> None:
    """Raise a `ValidationError` with a German message unless `value` is a valid German IBAN."""
    value = compact(value)
    if not value:
        return
    if value[:2] not in ALLOWED_COUNTRIES:
        raise ValidationError(
            _("Die IBAN muss mit dem Ländercode DE beginnen (Konto der Kasse in Deutschland); angegeben ist "
              "„%(country)s“.") % {"country": value[:2]}, code="iban_country")
    try:
        IBAN(value)
    except schwifty_errors.InvalidLength:
        raise ValidationError(
            _("Die IBAN hat %(length)s Zeichen; eine deutsche IBAN hat genau 22 Zeichen.") % {"length": len(value)},
            code="iban_length") from None
    except schwifty_errors.InvalidChecksumDigits:
        raise ValidationError(
            _("Die Prüfziffern der IBAN stimmen nicht – bitte die IBAN auf Tippfehler prüfen."),
            code="iban_checksum") from None
    except (schwifty_errors.InvalidStructure, schwifty_errors.InvalidBBANChecksum):
        raise ValidationError(
            _("Die IBAN ist nicht richtig aufgebaut: nach „DE“ folgen 20 Ziffern."), code="iban_structure") from None
    except schwifty_errors.SchwiftyException:
        raise ValidationError(_("Die IBAN ist ungültig."), code="iban_invalid") from None


def validate_bic(value: str) -> None:
    """Raise a `ValidationError` with a German message unless `value` is a well-formed BIC."""
    value = compact(value)
    if not value:
        return
    try:
        BIC(value)
    except schwifty_errors.InvalidLength:
        raise ValidationError(
            _("Der BIC hat %(length)s Zeichen; ein BIC hat 8 oder 11 Zeichen.") % {"length": len(value)},
            code="bic_length") from None
    except schwifty_errors.InvalidCountryCode:
        raise ValidationError(_("Der BIC nennt an fünfter und sechster Stelle kein gültiges Land."),
                              code="bic_country") from None
    except schwifty_errors.SchwiftyException:
        raise ValidationError(
            _("Der BIC ist nicht richtig aufgebaut (4 Buchstaben Bank, 2 Buchstaben Land, 2 Zeichen Ort, "
              "optional 3 Zeichen Filiale)."), code="bic_structure") from None


def bic_matches_iban(bic: str, iban: str) -> bool:
    """The BIC's country (characters 5–6) is that of the IBAN."""
    return compact(bic)[4:6] == compact(iban)[:2]


def is_test_iban(iban: str) -> bool:
    """An IBAN built from the test bank code: demo data, never a real account."""
    value = compact(iban)
    return value[:2] == "DE" and value[4:12] == TEST_BANK_CODE


def make_test_iban(account: str) -> str:
    """A TEST IBAN with a valid checksum for the given account number (up to 10 digits)."""
    return str(IBAN.generate("DE", bank_code=TEST_BANK_CODE, account_code=account))
