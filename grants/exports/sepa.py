"""SEPA credit transfer initiation (ISO 20022 pain.001.001.09) of a payment order, written by
sepaxml and checked by it against the ISO schema before the bytes leave this module.

Why pain.001.001.09: it is the 2019 ISO version that the German banks (Deutsche Kreditwirtschaft,
DFÜ-Abkommen Anlage 3, SEPA-Regelwerk ab November 2023) accept and that the EPC rulebooks use
since then; pain.001.001.03 is still accepted beside it, but it is the older version. sepaxml
writes .09 completely (`BICFI`, `ReqdExctnDt/Dt`); `grants/exports/schemas/` holds the schema the
tests validate with.

sepaxml takes the message id, the payment information id and the creation time from the clock
and a random generator; `_Transfer` sets them from the export instead, so the same export gives
the same bytes. Everything else (structure, control sums, number of transactions, batch
booking, the schema check) is sepaxml's.

The DK's character set for names and remittance information is the SEPA basic Latin set:
`a–z A–Z 0–9 / - ? : ( ) . , ' +` and space. `sepa_text` writes umlauts and ß as the DK asks
(ä → ae, ß → ss), drops accents (é → e), writes `&` as `+` and puts a space for anything else.
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from sepaxml import SepaTransfer
from sepaxml.validation import ValidationError as SchemaError  # noqa: F401  (raised by credit_transfer_xml)

from core.periods import easter_sunday

SCHEMA = "pain.001.001.09"
SEPA_CONTENT_TYPE = "application/xml"
NAME_MAX_LENGTH = 70
REMITTANCE_MAX_LENGTH = 140
ID_MAX_LENGTH = 35

_UMLAUTS = str.maketrans({"Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss",
                          "ẞ": "SS", "&": "+"})
_OUTSIDE_SET = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")
_SPACES = re.compile(r" {2,}")


def sepa_text(value: str) -> str:
    """`Kreisausschuss des Werra-Meißner-Kreises` → `Kreisausschuss des Werra-Meissner-Kreises`:
    only characters of the SEPA basic Latin set, single spaces."""
    text = (value or "").translate(_UMLAUTS)
    text = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    return _SPACES.sub(" ", _OUTSIDE_SET.sub(" ", text)).strip()


def shorten_front(text: str, length: int) -> str:
    """Cut `text` to `length` at a word, at its end (names: their beginning says who)."""
    if len(text) <= length:
        return text
    cut = text[:length]
    if " " in cut and text[length] != " ":
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.-/+")


def shorten_back(text: str, length: int) -> str:
    """Drop leading words until `text` fits (remittance lines: the file reference, budget year and
    date by which the treasury matches a payment stand at their end)."""
    while len(text) > length and " " in text:
        text = text.split(" ", 1)[1]
    return text[-length:].lstrip(" ,.-/+")


def reference(value: str, *, keep_tail: str = "") -> str:
    """An identifier for the file (message, payment information, end-to-end id): SEPA set,
    no spaces, no leading, trailing or double slash, at most 35 characters; when too long, the
    front is cut and `keep_tail` (the part that makes it unique) kept whole."""
    text = sepa_text(value).replace(" ", "").replace("//", "/").strip("/")
    if len(text) > ID_MAX_LENGTH:
        text = text[:ID_MAX_LENGTH - len(keep_tail)].rstrip("/-") + keep_tail
    return text


def target_business_day(day: dt.date) -> dt.date:
    """`day`, or the next day on which TARGET2 settles euro payments (not Saturday, Sunday,
    1 January, Good Friday, Easter Monday, 1 May, 25 and 26 December)."""
    while True:
        easter = easter_sunday(day.year)
        closed = {dt.date(day.year, 1, 1), easter - dt.timedelta(days=2), easter + dt.timedelta(days=1),
                  dt.date(day.year, 5, 1), dt.date(day.year, 12, 25), dt.date(day.year, 12, 26)}
        if day.weekday() < 5 and day not in closed:
            return day
        day += dt.timedelta(days=1)


@dataclass(frozen=True)
class Account:
    """A SEPA account: holder's name, IBAN, BIC (already compact and validated)."""

    name: str
    iban: str
    bic: str


@dataclass(frozen=True)
class Transfer:
    """One credit transfer of the file."""

    payee: Account
    amount: Decimal
    end_to_end_id: str
    remittance: str


class _Transfer(SepaTransfer):
    """sepaxml's credit transfer with the message id, payment information id and creation time
    of the export instead of random ones and the clock's."""

    def __init__(self, config: dict, *, message_id: str, payment_info_id: str, created_at: dt.datetime):
        self._fixed = (message_id, payment_info_id, created_at)
        super().__init__(config, schema=SCHEMA, clean=False)

    def _create_header(self) -> None:
        super()._create_header()
        message_id, _, created_at = self._fixed
        header = self._xml.find("CstmrCdtTrfInitn/GrpHdr")
        header.find("MsgId").text = message_id
        header.find("CreDtTm").text = created_at.isoformat(timespec="seconds")

    def _finalize_batch(self) -> None:
        super()._finalize_batch()
        nodes = list(self._xml.iter("PmtInfId"))
        if len(nodes) != 1:  # one execution date, so sepaxml writes one batch
            raise ValueError(f"expected one payment information block, got {len(nodes)}")
        nodes[0].text = self._fixed[1]


def to_cents(amount: Decimal) -> int:
    """`Decimal("8123.45")` → 812345; refuses anything that is not whole cents."""
    cents = amount * 100
    if cents != cents.to_integral_value() or amount <= 0:
        raise ValueError(f"amount {amount} is not a positive amount in whole cents")
    return int(cents)


def credit_transfer_xml(*, debtor: Account, transfers: list[Transfer], message_id: str, payment_info_id: str,
                        created_at: dt.datetime, execution_date: dt.date) -> bytes:
    """The pain.001.001.09 document: one payment information block (batch booking) from the
    debtor's account with every transfer, control sum and number of transactions; validated
    by sepaxml against the ISO schema (raises `sepaxml.validation.ValidationError` otherwise)."""
    sepa = _Transfer({"name": debtor.name, "IBAN": debtor.iban, "BIC": debtor.bic, "batch": True,
                      "currency": "EUR"},
                     message_id=message_id, payment_info_id=payment_info_id, created_at=created_at)
    for transfer in transfers:
        sepa.add_payment({
            "name": transfer.payee.name, "IBAN": transfer.payee.iban, "BIC": transfer.payee.bic,
            "amount": to_cents(transfer.amount), "execution_date": execution_date,
            "description": transfer.remittance, "endtoend_id": transfer.end_to_end_id,
        })
    return sepa.export(validate=True, pretty_print=True)
