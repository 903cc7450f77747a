"""A table as the pages show it and the exports write it: typed columns, rows of cells, a sum row."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.formats import format_date, german_decimal
from core.money import format_eur, to_money

TEXT, REFERENCE, COUNT, MONEY, PERCENT, DATE = "text", "reference", "count", "money", "percent", "date"
NUMERIC_KINDS = (COUNT, MONEY, PERCENT)


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT
    width: int | None = None  # characters in a spreadsheet; None: as wide as the longest cell

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS


@dataclass(frozen=True)
class Cell:
    value: object
    kind: str = TEXT
    link_id: int | None = None  # for REFERENCE cells: the application's pk

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS

    @property
    def display(self) -> str:
        """The cell as the page shows it: `2.700.000,00 €`, `42,5 %`, `–` for no value."""
        if self.value is None:
            return "–"
        if self.kind == MONEY:
            return format_eur(self.value)
        if self.kind == PERCENT:
            assert isinstance(self.value, Decimal)  # a share, rounded to a Decimal
            return f"{german_decimal(self.value)} %"
        if self.kind == DATE and isinstance(self.value, date):
            return format_date(self.value)  # a word for no date ("nicht erfasst") stays as it is
        return str(self.value)

    @property
    def text(self) -> str:
        """The cell in a CSV file: numbers with a decimal comma and no thousands separator."""
        if self.value is None:
            return ""
        if self.kind in (MONEY, PERCENT):
            assert isinstance(self.value, Decimal)  # cells() rounds amounts to Decimal; shares are Decimals
            return german_decimal(self.value)
        if self.kind == DATE and isinstance(self.value, date):
            return format_date(self.value)  # a word for no date ("nicht erfasst") stays as it is
        return str(self.value)


@dataclass(frozen=True)
class ReportTable:
    key: str  # the value of ?tabelle=
    slug: str  # file name part
    title: str  # heading and sheet title (at most 31 characters)
    caption: str
    columns: list[Column]
    rows: list[tuple[Cell, ...]]
    totals: tuple[Cell, ...] | None
    empty: str = ""  # shown instead of rows when there are none
    programme: object = None  # the FundingProgramme the figures are of, if any

    def filename(self, fmt: str) -> str:
        prefix = getattr(self.programme, "code", "")
        return f"{prefix}_{self.slug}.{fmt}" if prefix else f"{self.slug}.{fmt}"


def cells(columns: list[Column], *values, link_id: int | None = None) -> tuple[Cell, ...]:
    """Cells of one row; amounts rounded to cents (SQLite's SUM may drop trailing zeros), the
    reference cell linking to the application `link_id`."""
    return tuple(
        Cell(to_money(value) if column.kind == MONEY and value is not None else value, column.kind,
             link_id if column.kind == REFERENCE else None)
        for column, value in zip(columns, values, strict=True)
    )

