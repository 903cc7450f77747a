"""Money: one rounding helper and one formatter. Amounts are Decimal, never float."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# The largest amount a DecimalField(max_digits=14, decimal_places=2) column stores.
MAX_AMOUNT = Decimal("999999999999.99")


def to_money(value) -> Decimal:
    """Round to cents (kaufmännisch, half up). Refuses floats so none sneaks in."""
    if isinstance(value, float):
        raise TypeError("Geldbeträge dürfen keine float-Werte sein; Decimal oder str verwenden.")
    if isinstance(value, bool):
        raise TypeError("Ein Wahrheitswert ist kein Geldbetrag.")
    try:
        amount = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"{value!r} ist kein gültiger Geldbetrag.") from None
    if not amount.is_finite():  # quantize lets a quiet NaN through
        raise ValueError(f"{value!r} ist kein gültiger Geldbetrag.")
    return amount


def format_eur(value) -> str:
    """German format with thousands dots and the euro sign: `500.000,00 €`."""
    amount = to_money(value)
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{'.'.join(groups)},{cents} €"


def amount_in_words(value) -> str:
    """`500000` → `fünfhunderttausend Euro`; cents as `… Euro und fünfzig Cent` (num2words)."""
    from num2words import num2words

    amount = to_money(value)
    if amount < 0:
        raise ValueError("Negative Beträge werden nicht in Worten geschrieben.")
    def say(number: int) -> str:
        return "ein" if number == 1 else num2words(number, lang="de")  # "ein Euro", not "eins Euro"

    euros, cents = divmod(int(amount * 100), 100)
    words = f"{say(euros)} Euro"
    if cents:
        words += f" und {say(cents)} Cent"
    return words


def amount_errors(amount, *, positive: bool = False, required: str | None = None) -> list[str]:
    """Why `amount` (a Decimal from a form) cannot be stored as money: missing (when `required`
    gives the message), not a number, negative (or zero, with `positive`), too large, or with
    more than two decimals. An empty list when it is fine."""
    if amount is None and required is not None:
        return [required]
    if not isinstance(amount, Decimal) or not amount.is_finite():
        return [_("Bitte einen gültigen Betrag angeben.")]
    if positive and amount <= 0:
        return [_("Der Betrag muss größer als 0,00 € sein.")]
    if amount < 0:
        return [_("Beträge dürfen nicht negativ sein.")]
    if amount > MAX_AMOUNT:
        return [_("Der Betrag ist zu groß.")]
    if amount != amount.quantize(CENT):
        return [_("Bitte höchstens zwei Nachkommastellen (Cent) angeben.")]
    return []
