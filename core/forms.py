"""Form fields that read German input: amounts like `100.000,00`, shares like `1,5`, dates like
`29.10.2021`."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.formats import DATE_FORMAT, DATE_INPUT_FORMATS
from core.money import format_eur

_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")
# 10^15: no amount (max_digits 14) or share reaches it.
MAX_EXPONENT = 15


def parse_german_decimal(text: str) -> Decimal:
    """`100.000,00` / `100000,5` / `100000` / `100.000` / `1,5` → Decimal. A dot is a thousands
    separator when it groups digits in threes and there is no comma; else a decimal point."""
    value = text.strip().replace(" ", "").replace("\u00a0", "").replace("€", "")
    if not value:
        raise InvalidOperation
    sign = ""
    if value[0] in "+-":
        sign, value = value[0], value[1:]
    if "," in value:
        whole, _, fraction = value.rpartition(",")
        if "," in whole or "." in fraction:
            raise InvalidOperation
        if "." in whole and not _GROUPED.match(whole):
            raise InvalidOperation
        normal = whole.replace(".", "") + "." + fraction
    elif _GROUPED.match(value):
        normal = value.replace(".", "")
    else:
        normal = value
    if not re.fullmatch(r"\d*\.?\d*", normal) or normal in ("", "."):
        raise InvalidOperation
    return Decimal(sign + normal)


class GermanDecimalField(forms.DecimalField):
    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    invalid_message = _("„%(value)s“ ist keine gültige Zahl. Beispiel: 1,5")
    too_large_message = _("Die Zahl ist zu groß.")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            number = parse_german_decimal(str(value))
        except InvalidOperation:
            raise ValidationError(self.invalid_message, code="invalid", params={"value": value}) from None
        if number and number.adjusted() >= MAX_EXPONENT:
            # Beyond any amount or share here; larger numbers overflow Decimal arithmetic (quantize).
            raise ValidationError(self.too_large_message, code="too_large")
        return number

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:.{self.decimal_places or 2}f}".replace(".", ",")
        return value


class MoneyField(GermanDecimalField):
    """Euro amount ≥ 0 with cents, German input and display (`100.000,00`)."""

    invalid_message = _("„%(value)s“ ist kein gültiger Betrag. Beispiel: 100.000,00")
    too_large_message = _("Der Betrag ist zu groß.")

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0.00"))
        super().__init__(**kwargs)
        self.error_messages["min_value"] = _("Beträge dürfen nicht negativ sein.")
        self.error_messages["max_decimal_places"] = _("Bitte höchstens zwei Nachkommastellen (Cent) angeben.")
        self.error_messages["max_digits"] = _("Der Betrag ist zu groß.")

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format_eur(value).removesuffix(" €")
        return value


class GermanDateInput(forms.DateInput):
    """A text field in German format. The browser's own date picker follows the browser's
    locale (01/01/2026 on an English system), which confuses more than it helps."""

    def __init__(self, attrs=None):
        super().__init__(format=DATE_FORMAT, attrs={"placeholder": "TT.MM.JJJJ", "inputmode": "numeric",
                                                    "autocomplete": "off", **(attrs or {})})


# Every date the application deals with lies in this range; outside it, date arithmetic
# (deadlines, interest periods, year ranges) would overflow or make no sense.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)


class GermanDateField(forms.DateField):
    """A date typed as `29.10.2021` (ISO `2021-10-29` is accepted too), shown the same way,
    between 01.01.1900 and 31.12.2199."""

    widget = GermanDateInput
    input_formats = DATE_INPUT_FORMATS
    default_error_messages = {
        "invalid": _("Bitte ein Datum im Format TT.MM.JJJJ angeben."),
        "out_of_range": _("Bitte ein Datum zwischen dem 01.01.1900 und dem 31.12.2199 angeben."),
    }

    def validate(self, value):
        super().validate(value)
        if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise ValidationError(self.error_messages["out_of_range"], code="out_of_range")
