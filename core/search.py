"""Search that finds what a person means, whatever the spelling: "Meissner", "meißner" and
"MEISSNER" find the Werra-Meißner-Kreis, "Giessen" finds Gießen, "Munchen" and "Muenchen" find
München.

One folding, written once, applied to both sides: the query is folded in Python (`fold`), the
searched columns in SQL by the same character table (`folded`: LOWER and nested REPLACE, which
PostgreSQL and SQLite both have – SQLite's LOWER knows ASCII only, so the table lists upper-case
letters as well). Two spellings of the umlauts are compared, each with itself: ä as "ae" and ä
as "a"; ß is "ss" in both. A query matches a column when either folding of the query is
contained in the same folding of the column.
"""

from collections.abc import Iterable
from functools import reduce

from django.db.models import CharField, F, Func, Q, QuerySet, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Lower, Replace

# Letters that fold the same in both spellings (after LOWER; upper case for SQLite's LOWER).
_COMMON = [
    ("ß", "ss"), ("ẞ", "ss"),
    ("é", "e"), ("É", "e"), ("è", "e"), ("È", "e"), ("ê", "e"), ("Ê", "e"), ("ë", "e"), ("Ë", "e"),
    ("á", "a"), ("Á", "a"), ("à", "a"), ("À", "a"), ("â", "a"), ("Â", "a"),
    ("ó", "o"), ("Ó", "o"), ("ô", "o"), ("Ô", "o"), ("í", "i"), ("Í", "i"), ("ú", "u"), ("Ú", "u"),
    ("ç", "c"), ("Ç", "c"), ("ñ", "n"), ("Ñ", "n"),
]
_UMLAUTS = [("ä", "a"), ("Ä", "a"), ("ö", "o"), ("Ö", "o"), ("ü", "u"), ("Ü", "u")]

#: The two spellings: umlauts as "ae" (as Germans write them without umlauts) and as their base letter.
FOLDINGS: dict[str, list[tuple[str, str]]] = {
    "ae": _COMMON + [(letter, base + "e") for letter, base in _UMLAUTS],
    "plain": _COMMON + _UMLAUTS,
}

MAX_QUERY_LENGTH = 100


def fold(text: str, spelling: str = "ae") -> str:
    """The text lower-cased, with ß as ss and umlauts and accents in the given spelling;
    blanks collapsed."""
    folded = text.lower()
    for letter, replacement in FOLDINGS[spelling]:
        folded = folded.replace(letter, replacement)
    return " ".join(folded.split())


def fold_letters(text: str | None, spelling: str) -> str | None:
    """LOWER and the character table, as the SQL of `folded` does it (blanks as they are)."""
    if text is None:
        return None
    folded_text = text.lower()
    for letter, replacement in FOLDINGS[spelling]:
        folded_text = folded_text.replace(letter, replacement)
    return folded_text


class Folded(Func):
    """A column folded in SQL exactly as `fold` folds text in Python: on PostgreSQL LOWER and
    nested REPLACE; on SQLite, whose parser refuses 34 nested calls ("parser stack overflow"),
    the function `wf_fold` that core.apps registers on every SQLite connection (`fold_letters`)."""

    output_field = CharField()

    def __init__(self, expression, spelling: str):
        super().__init__(expression)
        self.spelling = spelling

    def as_sql(self, compiler, connection, **extra_context):
        result: Combinable = Lower(self.get_source_expressions()[0])
        for letter, replacement in FOLDINGS[self.spelling]:
            result = Replace(result, Value(letter), Value(replacement), output_field=CharField())
        return compiler.compile(result)

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"wf_fold({sql}, %s)", [*params, self.spelling]


def folded(expression: str | Combinable, spelling: str = "ae") -> Combinable:
    """A column (a field name or an expression) folded in SQL exactly as `fold` folds text."""
    return Folded(F(expression) if isinstance(expression, str) else expression, spelling)


def folded_search(queryset: QuerySet, fields: Iterable[str], query: str) -> QuerySet:
    """The rows one of whose `fields` contains the query, in either spelling. Each word of the
    query must be found (in any of the fields): "gießen stadt" finds "Gießen (Stadt)"."""
    words = query[:MAX_QUERY_LENGTH].split()
    if not words:
        return queryset
    fields = list(fields)
    queryset = queryset.alias(**{f"_search_{spelling}_{position}": folded(field, spelling)
                                 for position, field in enumerate(fields) for spelling in FOLDINGS})
    for word in words:
        spellings = {spelling: fold(word, spelling) for spelling in FOLDINGS}
        queryset = queryset.filter(reduce(lambda a, b: a | b, (
            Q(**{f"_search_{spelling}_{position}__contains": spellings[spelling]})
            for position in range(len(fields)) for spelling in FOLDINGS)))
    return queryset
