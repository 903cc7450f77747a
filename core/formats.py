"""How dates and numbers are written for people: one formatter each, used by Python code
(messages, e-mails, PDFs, exports) and, through `core.templatetags.formats`, by templates.

German conventions (DIN 5008): `29.10.2021`, `29.10.2021 14:30`, `1.234,56` for numbers with
a decimal comma. Amounts with the euro sign come from `core.money.format_eur`.
"""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

DATE_FORMAT = "%d.%m.%Y"
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]


def format_date(value: date | datetime | str | None) -> str:
    """`2021-10-29`, a date or a datetime (shown in local time) → `29.10.2021`; `""` for none."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return value.strftime(DATE_FORMAT)


def format_datetime(value: datetime | None, *, seconds: bool = False) -> str:
    """A moment in local time: `29.10.2021 14:30` (with `seconds`, `14:30:05`); `""` for none."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime(f"{DATE_FORMAT} %H:%M:%S" if seconds else f"{DATE_FORMAT} %H:%M")


def format_period(start: date | str, end: date | str) -> str:
    """`01.01.2021 – 31.12.2025`."""
    return f"{format_date(start)} – {format_date(end)}"


def german_decimal(value: Decimal | int | str) -> str:
    """`1234567.5` → `1234567,5`: decimal comma, no thousands separator (what a spreadsheet
    reads as a number and a person reads as German)."""
    return str(value).replace(".", ",")


def format_decimal(value: Decimal | str, places: int | None = None) -> str:
    """`1.75` → `1,75`; `1.50` → `1,5` unless `places` fixes the decimals (`1,50`)."""
    number = Decimal(value)
    text = f"{number:.{places}f}" if places is not None else f"{number.normalize():f}"
    return german_decimal(text)


def format_percent(value: Decimal | str, places: int = 2) -> str:
    """`8.12` → `8,12 %`, `-0.88` → `-0,88 %`."""
    return f"{format_decimal(value, places)} %"
