"""Forms of the ministry's side: the work-queue filter, review actions and the decision.

The forms only read input; every rule about what may happen lives in the services
(grants/services/reviews.py, grants/services/awards.py), whose FieldErrors land beside
the fields of the same name ("message", "amount-2027", "justification", "reason", "text").
"""

from datetime import date
from decimal import Decimal

from django import forms
from django.db.models import Case, F, IntegerField, Max, Min, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from core.forms import MoneyField
from grants.models import ApplicationComment, ApplicationStatus, FundingProgramme
from core.money import format_eur
from municipalities.models import Municipality

S = ApplicationStatus

# Statuses in workflow order; drafts never reach the ministry.
QUEUE_STATUSES = [(value, label) for value, label in S.choices if value != S.DRAFT]
_STATUS_ORDER = Case(
    *(When(status=value, then=Value(position)) for position, (value, _label) in enumerate(S.choices)),
    output_field=IntegerField(),
)

# Sort key in the URL → (label, ordering expression).
SORTS = {
    "aktenzeichen": (_("Aktenzeichen"), F("file_reference")),
    "koerperschaft": (_("Gebietskörperschaft"), F("municipality__name")),
    "status": (_("Status"), _STATUS_ORDER),
    "eingang": (_("Eingereicht am"), F("submitted_at")),
    "betrag": (_("Beantragte Zuwendung"), F("requested_total")),
}
DEFAULT_SORT = "eingang"


def _sort_choices():
    choices = []
    for key, (label, _expr) in SORTS.items():
        choices.append((key, _("%(column)s, aufsteigend") % {"column": label}))
        choices.append((f"-{key}", _("%(column)s, absteigend") % {"column": label}))
    return choices


class ReviewQueueFilterForm(forms.Form):
    """The work queue's filters, read from GET. Invalid values are reported and ignored."""

    q = forms.CharField(label=_("Suche"), required=False, max_length=100,
                        help_text=_("Gebietskörperschaft oder Aktenzeichen"))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("alle (ohne Entwürfe)"))] + QUEUE_STATUSES)
    programme = forms.ModelChoiceField(label=_("Förderperiode"), required=False, to_field_name="code",
                                       queryset=FundingProgramme.objects.order_by("-period_start"),
                                       empty_label=_("alle"))
    regierungsbezirk = forms.ChoiceField(label=_("Regierungsbezirk"), required=False,
                                         choices=[("", _("alle"))] + Municipality.Regierungsbezirk.choices)
    municipality = forms.ModelChoiceField(label=_("Gebietskörperschaft"), required=False,
                                          queryset=Municipality.objects.order_by("name"), empty_label=_("alle"))
    year = forms.TypedChoiceField(label=_("Haushaltsjahr"), required=False, coerce=int, empty_value=None,
                                  help_text=_("Anträge, deren Vorhabenzeitraum dieses Jahr umfasst"))
    sort = forms.ChoiceField(label=_("Sortierung"), required=False)

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and not data.get("sort"):
            data = data.copy()
            data["sort"] = DEFAULT_SORT  # so the select shows the order the table is in
        super().__init__(data, *args, **kwargs)
        span = FundingProgramme.objects.aggregate(first=Min("period_start"), last=Max("period_end"))
        years = range(span["first"].year, span["last"].year + 1) if span["first"] else range(0)
        self.fields["year"].choices = [("", _("alle"))] + [(str(y), str(y)) for y in reversed(years)]
        self.fields["sort"].choices = _sort_choices()
        self.fields["sort"].initial = DEFAULT_SORT

    def _value(self, name):
        """The cleaned value of one filter, or None when it is empty or invalid."""
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name) or None

    @property
    def current_sort(self) -> str:
        return self._value("sort") or DEFAULT_SORT

    def filter(self, queryset: QuerySet) -> QuerySet:
        if q := (self._value("q") or "").strip():
            queryset = queryset.filter(Q(municipality__name__icontains=q) | Q(file_reference__icontains=q))
        if status := self._value("status"):
            queryset = queryset.filter(status=status)
        if programme := self._value("programme"):
            queryset = queryset.filter(programme=programme)
        if bezirk := self._value("regierungsbezirk"):
            queryset = queryset.filter(municipality__regierungsbezirk=bezirk)
        if municipality := self._value("municipality"):
            queryset = queryset.filter(municipality=municipality)
        if year := self._value("year"):
            queryset = queryset.filter(period_start__lte=date(year, 12, 31), period_end__gte=date(year, 1, 1))
        sort = self.current_sort
        descending = sort.startswith("-")
        expression = SORTS[sort.lstrip("-")][1]
        ordering = expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
        return queryset.order_by(ordering, "pk")

    def sort_columns(self) -> dict[str, dict]:
        """Per sortable column: the sort value its header link sets, and its aria-sort."""
        current = self.current_sort
        columns = {}
        for key in SORTS:
            if current == key:
                columns[key] = {"next": f"-{key}", "aria_sort": "ascending"}
            elif current == f"-{key}":
                columns[key] = {"next": key, "aria_sort": "descending"}
            else:
                columns[key] = {"next": key, "aria_sort": None}
        return columns


class RequestChangesForm(forms.Form):
    message = forms.CharField(
        label=_("Nachricht an die Koordination"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Was soll nachgereicht oder geändert werden? Die Koordination sieht diesen Text."),
        error_messages={"required": _("Bitte schreiben Sie, was nachgereicht oder geändert werden soll.")},
    )


class RecommendForm(forms.Form):
    """One amount per year of the application, preset to the requested grant of that year."""

    justification = forms.CharField(
        label=_("Begründung"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Pflicht, wenn ein Betrag unter dem beantragten liegt."),
    )

    def __init__(self, *args, years: list[int], requested: dict[int, Decimal], **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years
        self.requested = requested
        amount_fields = {}
        for year in years:
            amount_fields[f"amount-{year}"] = MoneyField(
                label=_("Empfohlene Zuwendung %(year)s") % {"year": year},
                initial=requested.get(year),
                error_messages={"required": _("Bitte den Betrag für %(year)s angeben.") % {"year": year}},
                help_text=_("Beantragt: %(amount)s") % {"amount": format_eur(requested.get(year, 0))},
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                              "class": "text-end", "data-amount": "recommended"}),
            )
        # Amounts first, then the justification.
        self.fields = {**amount_fields, "justification": self.fields["justification"]}

    def amount_fields(self):
        return [self[f"amount-{year}"] for year in self.years]

    def amounts(self) -> dict[int, Decimal]:
        return {year: self.cleaned_data[f"amount-{year}"] for year in self.years}

    def shown_total(self) -> Decimal | None:
        """The total of the amounts as shown: initial on GET, typed when all are valid."""
        if not self.is_bound:
            return sum((self.requested.get(y, Decimal("0.00")) for y in self.years), Decimal("0.00"))
        values = [self.cleaned_data.get(f"amount-{y}") for y in self.years] if hasattr(self, "cleaned_data") else []
        if not values or any(v is None for v in values):
            return None
        return sum(values, Decimal("0.00"))


class CommentForm(forms.Form):
    prefix = "comment"

    text = forms.CharField(label=_("Kommentar"), widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("Der Kommentar ist leer.")})
    visibility = forms.ChoiceField(label=_("Sichtbarkeit"), choices=ApplicationComment.Visibility.choices,
                                   initial=ApplicationComment.Visibility.INTERNAL, widget=forms.RadioSelect)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Begründung der Ablehnung"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Die Begründung wird Teil des Ablehnungsbescheids."),
        error_messages={"required": _("Eine Ablehnung braucht eine Begründung.")},
    )
