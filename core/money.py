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


_ONES = ("", "ein", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun")
_TEENS = ("zehn", "elf", "zwölf", "dreizehn", "vierzehn", "fünfzehn", "sechzehn", "siebzehn", "achtzehn",
          "neunzehn")
_TENS = ("", "", "zwanzig", "dreißig", "vierzig", "fünfzig", "sechzig", "siebzig", "achtzig", "neunzig")
_LARGE = ((10**9, "Milliarde", "Milliarden"), (10**6, "Million", "Millionen"))


def _group_in_words(number: int, *, alone: bool) -> str:
    """1 … 999 in words. A group ending in 01 says "eins" only when it `alone` ends the whole
    number (counting form: "einhunderteins"); before "tausend", "Million(en)", "Milliarde(n)"
    or a noun it says "ein" ("einhunderteintausend", "einhundertein Millionen")."""
    hundreds, rest = divmod(number, 100)
    tens, ones = divmod(rest, 10)
    words = f"{_ONES[hundreds]}hundert" if hundreds else ""
    if rest == 1:
        words += "eins" if alone else "ein"
    elif rest < 10:
        words += _ONES[rest]
    elif rest < 20:
        words += _TEENS[rest - 10]
    else:
        words += (f"{_ONES[ones]}und" if ones else "") + _TENS[tens]
    return words


def number_in_words(number: int, *, before_noun: bool = False) -> str:
    """A whole number 0 … 999.999.999.999 in German words, in the form a cheque or a notice
    writes it: "eintausend", "einhundert" (with the leading "ein", Duden: "bei höheren Zahlen
    entfällt das ein- nicht"), "eine Million", "zwei Millionen dreihunderttausend" (Million
    and Milliarde are nouns, written apart).

    A group ending in 01 says "eins" only at the very end of the number ("einhunderteins",
    "eintausendeins") and "ein" before "hundert"/"tausend" ("eintausend",
    "einhunderteintausend") – not "einhunderteinstausend". Exactly one million or milliard is
    "eine Million"/"eine Milliarde" (feminine nouns); a larger group ending in 01 before
    Millionen/Milliarden keeps the uninflected "ein" with the plural noun: "einhundertein
    Millionen", "zweihundertein Milliarden". Source for that decision: Duden, Die deutsche
    Rechtschreibung, entry "hundert", which gives "[ein]hundert[und]ein Euro" and "mit
    hundert[und]ein Salutschüssen" (uninflected "ein" before a plural noun) beside the singular
    "mit hundert[und]einem Salutschuss"; for an amount the plural is the natural reading
    ("101 Millionen"), and it matches the "ein" before "tausend".

    With `before_noun` (the number stands before "Euro" or "Cent") the final "eins" is "ein"
    too: "ein Euro", "einhundertein Euro" (Duden, same entry: "[ein]hundert[und]ein Euro")."""
    if not 0 <= number < 10**12:
        raise ValueError(f"{number!r} liegt außerhalb von 0 … 999.999.999.999.")
    if number == 0:
        return "null"
    parts: list[str] = []
    for size, singular, plural in _LARGE:
        group, number = divmod(number, size)
        if group == 1:
            parts.append(f"eine {singular}")
        elif group:
            parts.append(f"{_group_in_words(group, alone=False)} {plural}")
    thousands, rest = divmod(number, 1000)
    words = f"{_group_in_words(thousands, alone=False)}tausend" if thousands else ""
    if rest:
        words += _group_in_words(rest, alone=not before_noun)
    if words:
        parts.append(words)
    return " ".join(parts)


def amount_in_words(value) -> str:
    """`500000` → `fünfhunderttausend Euro`; `101000.50` → `einhunderteintausend Euro und fünfzig
    Cent`; `1` → `ein Euro`; `101` → `einhundertein Euro` (see number_in_words for the forms)."""
    amount = to_money(value)
    if amount < 0:
        raise ValueError("Negative Beträge werden nicht in Worten geschrieben.")
    euros, cents = divmod(int(amount * 100), 100)
    words = f"{number_in_words(euros, before_noun=True)} Euro"
    if cents:
        words += f" und {number_in_words(cents, before_noun=True)} Cent"
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
