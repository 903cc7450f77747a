"""The filters above the ministry's lists, as django-filter FilterSets.

Each FilterSet reads the GET parameters of one list, shows them as its form
(`filterset.form`: one field per parameter, ids `id_<parameter>`) and narrows the list's
queryset (`filterset.qs`). A value that is not valid – a status drafts never reach, a
programme code that does not exist, a sort key from an old bookmark – is shown beside its
field and otherwise ignored: the list is never refused for it.
"""

from datetime import date

import django_filters as filters
from django import forms
from django.db.models import Max, Min, QuerySet
from django.forms.utils import flatatt
from django.http import QueryDict
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField, ModelChoiceIterator

from core import clock
from core.search import MAX_QUERY_LENGTH, folded_search
from grants.lists import Listing
from grants.lists.columns import (
    AMENDMENTS,
    APPLICATIONS,
    DEADLINES,
    NEEDS_REVIEW,
    NOTICES,
    PAYMENTS,
    RECLAIMS,
    REVIEW_QUEUE,
    USAGE_REPORTS,
)
from grants.models import (
    AmendmentRequest,
    Application,
    ApplicationStatus,
    Award,
    Disbursement,
    FundingProgramme,
    Notice,
    Reclaim,
    UsageReport,
)
from grants.selectors.deadlines import STATE_ORDER
from grants.selectors.reclaims import OVERDUE_PAYMENT, repayment_overdue
from municipalities.models import Municipality

ALL_LABEL = _("alle")  # the empty choice of most filters


class PlainSelect(forms.Select):
    """Django's select, rendered in Python: the template renders every option through an
    include of its own, which made the filter form of a list (about 120 options) cost more than
    the list's rows. The same markup as `django/forms/widgets/select.html`."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = format_html_join("", '\n  <option value="{}"{}>{}</option>',
                                        ((option["value"], flatatt(option["attrs"]), option["label"])
                                         for option in options))
            parts.append(format_html('\n  <optgroup label="{}">{}\n  </optgroup>', group_name, rendered)
                         if group_name else rendered)
        return format_html('<select name="{}"{}>{}\n</select>', widget["name"], flatatt(widget["attrs"]),
                           SafeString("".join(parts)))


class _PlainSelects:
    """Mixed into a FilterSet's form: its plain selects render as `PlainSelect`."""

    fields: dict[str, forms.Field]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if type(field.widget) is forms.Select:
                plain = PlainSelect(attrs=field.widget.attrs)
                plain.choices, plain.is_required = field.widget.choices, field.widget.is_required
                field.widget = plain


class ListFilterSet(filters.FilterSet):
    """The base of the list filters.

    Always bound, so that the defaults (the order, the first tab, the open requests) apply to a
    list opened without parameters too. Every filter runs with `value(name)`, which is None for
    an empty or invalid parameter unless the class names a default; django-filter's filters
    leave the queryset alone for None.
    """

    #: The value of a filter whose parameter is missing, empty or invalid.
    defaults: dict[str, str] = {}
    #: Parameters that choose a view of the list (a tab, the order) instead of narrowing it;
    #: they do not make the list `filtered`.
    view_params: tuple[str, ...] = ()

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(QueryDict() if data is None else data, queryset, **kwargs)
        for name, filter_ in self.filters.items():
            if isinstance(filter_, ProgrammeFilter):
                filter_.field.chosen = self.data.get(name)

    def get_form_class(self):
        form_class = super().get_form_class()
        return type(form_class.__name__, (_PlainSelects, form_class), {})

    def value(self, name: str):
        """The cleaned value of one filter; its default (or None) when empty or invalid."""
        self.form.is_valid()  # validates once; an invalid value is left out of cleaned_data
        return self.form.cleaned_data.get(name) or self.defaults.get(name)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        for name, filter_ in self.filters.items():
            queryset = filter_.filter(queryset, self.value(name))
        return queryset

    @property
    def filtered(self) -> bool:
        """Whether the address narrows the list; the page then offers "Filter zurücksetzen"."""
        return any(self.data.get(name) for name in self.filters if name not in self.view_params)


class TabFilter(filters.ChoiceFilter):
    """The tabs above a list: read and validated like any filter, but the queryset is left
    alone – the view counts every tab, then shows the rows of the active one."""

    def filter(self, qs, value):
        return qs


# A state that runs several programmes gathers hundreds of periods: the select offers the newest.
RECENT_PROGRAMMES = 20


class _RecentProgrammes(ModelChoiceIterator):
    """The newest `RECENT_PROGRAMMES` periods, newest first, and the chosen one if it is older."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        shown = list(self.queryset[:RECENT_PROGRAMMES])
        chosen = getattr(self.field, "chosen", None)
        if chosen and all(programme.code != chosen for programme in shown):
            shown += list(self.queryset.filter(code=chosen)[:1])
        for programme in shown:
            yield self.choice(programme)

    def __len__(self):
        return RECENT_PROGRAMMES + 1


class ProgrammeChoiceField(ModelChoiceField):
    """Accepts the code of any period; offers the newest ones (see `_RecentProgrammes`)."""

    iterator = _RecentProgrammes
    chosen: str | None = None  # the code in the address, set by ListFilterSet


class ProgrammeFilter(filters.ModelChoiceFilter):
    field_class = ProgrammeChoiceField


def programme_filter(field_name: str) -> filters.ModelChoiceFilter:
    """The Förderperiode, by its code in the address (`?programme=wir-2026`). The select offers the
    newest periods; an older one is chosen by its code in the address (or found with the search of
    the work queue) and is then offered too."""
    return ProgrammeFilter(
        field_name=field_name, label=_("Förderperiode"), to_field_name="code",
        queryset=FundingProgramme.objects.only("pk", "code", "name", "period_start", "period_end")
        .order_by("-period_start", "-pk"), empty_label=ALL_LABEL,
        help_text=format_lazy(_("die {n} neuesten Förderperioden; ältere über ihr Kürzel in der Adresse"),
                              n=RECENT_PROGRAMMES))


def municipality_filter(field_name: str) -> filters.ModelChoiceFilter:
    return filters.ModelChoiceFilter(
        field_name=field_name, label=_("Gebietskörperschaft"),
        queryset=Municipality.objects.only("pk", "name", "kind").order_by("name"), empty_label=ALL_LABEL)


def district_filter(field_name: str) -> filters.ChoiceFilter:
    return filters.ChoiceFilter(field_name=field_name, label=_("Regierungsbezirk"),
                                choices=Municipality.Regierungsbezirk.choices, empty_label=ALL_LABEL)


def status_filter(choices, empty_label=ALL_LABEL, **kwargs) -> filters.ChoiceFilter:
    return filters.ChoiceFilter(label=_("Status"), choices=choices, empty_label=empty_label, **kwargs)


# -- Lists with columns: search and order ---------------------------------------------------------


class ListedFilterSet(ListFilterSet):
    """A list with columns (`grants.lists.Listing`): `q` searches its names and file references
    (tolerant of ß/ss, umlauts and case), `sort` orders it by a column (`key` ascending, `-key`
    descending) or, without or with an unknown value, in the list's default order – what needs
    work first. The queryset (`qs`) comes filtered and ordered."""

    listing: Listing

    q = filters.CharFilter(label=_("Suche"), max_length=MAX_QUERY_LENGTH, method="search",
                           help_text=_("Gebietskörperschaft, Aktenzeichen oder Vorhaben; ß/ss, Umlaute und "
                                       "Groß-/Kleinschreibung egal"))
    sort = TabFilter(label=_("Sortierung"), choices=())

    view_params: tuple[str, ...] = ("sort",)

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["sort"].extra.update(choices=self.listing.sort_choices(),
                                          empty_label=self.listing.default_label)

    def search(self, queryset, name, value):
        if not self.listing.in_database:
            return queryset  # the view searches the rows (`Listing.search_items`)
        return folded_search(queryset, self.listing.search_fields, value)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        if not self.listing.in_database:
            return queryset  # the view orders the rows (`Listing.order_items`)
        return self.listing.order(queryset, self.value("sort"), self.default_order())

    def default_order(self) -> tuple | None:
        """The default order for the rows the filters leave, where simpler than the list's (None: the list's)."""
        return None

    @property
    def sort_error(self) -> str | None:
        """Why the list is not in the order the address asks for (an old bookmark, a typo)."""
        if self.data.get("sort") and not self.value("sort"):
            return _("Nach „%(sort)s“ lässt sich nicht sortieren; die Liste steht in der Standardreihenfolge.") % {
                "sort": self.data["sort"][:40]}
        return None


# -- Arbeitsvorrat (/pruefung/) ---------------------------------------------------------------------

S = ApplicationStatus

# Statuses in workflow order; drafts never reach the ministry.
REVIEW_QUEUE_STATUSES = [(value, label) for value, label in S.choices if value != S.DRAFT]


# The "Zuständig" filter of the ministry's lists (`?zustaendig=ich`).
MINE, NOBODY = "ich", "niemand"


class AssigneeFilter(filters.ChoiceFilter):
    """Who is responsible for the case (`field_name` leads to the application's assignee):
    `ich` – the signed-in person's cases ("Meine Fälle"), `niemand` – the cases nobody holds yet.
    The FilterSet needs the request."""

    def __init__(self, field_name: str):
        super().__init__(field_name=field_name, label=_("Zuständig"), empty_label=ALL_LABEL,
                         choices=[(MINE, _("Meine Fälle")), (NOBODY, _("noch niemand"))])

    def filter(self, qs, value):
        if value == MINE:
            return qs.filter(**{self.field_name: self.parent.request.user})
        if value == NOBODY:
            return qs.filter(**{f"{self.field_name}__isnull": True})
        return qs


class ReviewQueueFilterSet(ListedFilterSet):
    """Search, status, programme period, district, body, budget year and the order of the
    submitted applications (the queryset needs the annotation `requested_total`)."""

    listing = REVIEW_QUEUE
    q = filters.CharFilter(label=_("Suche"), max_length=MAX_QUERY_LENGTH, method="search",
                           help_text=_("Gebietskörperschaft, Aktenzeichen, Vorhaben oder Förderperiode; ß/ss, "
                                       "Umlaute und Groß-/Kleinschreibung egal"))
    SHOW_ALL = "alle"
    SHOW_OPEN = "offen"  # the default only: what waits for the clerk

    status = status_filter([*REVIEW_QUEUE_STATUSES, (SHOW_ALL, _("alle (ohne Entwürfe)"))],
                           empty_label=_("offen: eingereicht oder in Prüfung"), method="by_status")
    programme = programme_filter("programme")
    regierungsbezirk = district_filter("municipality__regierungsbezirk")
    municipality = municipality_filter("municipality")
    year = filters.ChoiceFilter(label=_("Haushaltsjahr"), empty_label=ALL_LABEL, method="overlapping_year",
                                help_text=_("Anträge, deren Vorhabenzeitraum dieses Jahr umfasst"))
    zustaendig = AssigneeFilter("assignee")

    defaults = {"status": SHOW_OPEN}

    class Meta:
        model = Application
        fields = ()

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        span = FundingProgramme.objects.aggregate(first=Min("period_start"), last=Max("period_end"))
        years = range(span["first"].year, span["last"].year + 1) if span["first"] else range(0)
        self.filters["year"].extra["choices"] = [(str(y), str(y)) for y in reversed(years)]

    def by_status(self, queryset, name, value):
        if value == self.SHOW_ALL:
            return queryset
        if value == self.SHOW_OPEN:
            return queryset.filter(status__in=NEEDS_REVIEW)
        return queryset.filter(status=value)

    def default_order(self) -> tuple | None:
        # Without "alle" every row is alike in needing work or not: by arrival alone, on the
        # index (submitted_at, id).
        return None if self.value("status") == self.SHOW_ALL else ("submitted_at",)

    def overlapping_year(self, queryset, name, value):
        year = int(value)
        return queryset.filter(period_start__lte=date(year, 12, 31), period_end__gte=date(year, 1, 1))


# -- Anträge der Koordination ---------------------------------------------------------------------------


class ApplicationListFilterSet(ListedFilterSet):
    """The own body's applications: search, status, programme period, order."""

    listing = APPLICATIONS
    q = filters.CharFilter(label=_("Suche"), max_length=MAX_QUERY_LENGTH, method="search",
                           help_text=_("Aktenzeichen oder Vorhaben; ß/ss, Umlaute und Groß-/Kleinschreibung egal"))
    status = status_filter(S.choices)
    programme = programme_filter("programme")

    class Meta:
        model = Application
        fields = ()


# -- Auszahlungen --------------------------------------------------------------------------------------

D = Disbursement.Status

# The queue's tabs, in the order a payment passes them.
PAYMENT_QUEUE_STATUSES = [D.REQUESTED, D.PREPARED, D.RELEASED, D.PAID, D.REJECTED]


class PaymentQueueFilterSet(ListedFilterSet):
    """Body and programme period of the payment requests; the status tab (by default, and for
    an invalid value, "angefordert") is read by the view with `value("status")`."""

    status = TabFilter(label=_("Status"), choices=[(s.value, s.label) for s in PAYMENT_QUEUE_STATUSES],
                       empty_label=None)
    municipality = municipality_filter("award_year__award__application__municipality")
    programme = programme_filter("award_year__award__application__programme")
    zustaendig = AssigneeFilter("award_year__award__application__assignee")

    listing = PAYMENTS
    defaults = {"status": D.REQUESTED}
    view_params = ("status", "sort")

    class Meta:
        model = Disbursement
        fields = ()



# -- Verwendungsnachweise, Rückforderungen, Änderungsanträge -----------------------------------------


class UsageReportFilterSet(ListedFilterSet):
    listing = USAGE_REPORTS
    status = status_filter([(s.value, s.label) for s in UsageReport.Status if s != UsageReport.Status.DRAFT])
    programme = programme_filter("award__application__programme")
    municipality = municipality_filter("award__application__municipality")

    class Meta:
        model = UsageReport
        fields = ()


class ReclaimFilterSet(ListedFilterSet):
    listing = RECLAIMS
    status = status_filter(Reclaim.Status.choices)
    payment = filters.ChoiceFilter(label=_("Zahlung"), choices=[(OVERDUE_PAYMENT, _("überfällig"))],
                                   empty_label=ALL_LABEL, method="by_payment")
    programme = programme_filter("award__application__programme")
    municipality = municipality_filter("award__application__municipality")

    class Meta:
        model = Reclaim
        fields = ()

    def by_payment(self, queryset, name, value):
        """"überfällig": fixed reclaims whose payment date has passed (what the start page counts)."""
        return queryset.filter(repayment_overdue(clock.today())) if value == OVERDUE_PAYMENT else queryset


class AmendmentFilterSet(ListedFilterSet):
    """By default the open requests; a status shows the requests in it, "alle" shows all."""

    SHOW_ALL = "alle"
    SHOW_OPEN = "offen"  # the default only, never a value in the address

    status = status_filter([*AmendmentRequest.Status.choices, (SHOW_ALL, ALL_LABEL)],
                           empty_label=_("alle offenen"), method="by_status")
    programme = programme_filter("award__application__programme")
    municipality = municipality_filter("award__application__municipality")

    listing = AMENDMENTS
    defaults = {"status": SHOW_OPEN}

    class Meta:
        model = AmendmentRequest
        fields = ()

    def by_status(self, queryset, name, value):
        if value == self.SHOW_ALL:
            return queryset
        if value == self.SHOW_OPEN:
            return queryset.filter(status__in=AmendmentRequest.OPEN_STATUSES)
        return queryset.filter(status=value)


# -- Bescheide ----------------------------------------------------------------------------------------


class NoticeFilterSet(ListedFilterSet):
    """Search, kind, programme period and body of the issued notices."""

    listing = NOTICES
    kind = filters.ChoiceFilter(label=_("Art"), choices=Notice.Kind.choices, empty_label=ALL_LABEL)
    programme = programme_filter("application__programme")
    municipality = municipality_filter("application__municipality")

    class Meta:
        model = Notice
        fields = ()


# -- Fristen -------------------------------------------------------------------------------------------


class DeadlineFilterSet(ListedFilterSet):
    """The ministry's filters of the running awards; the state tab is read by the view with
    `value("state")` and picks rows of the deadlines computed from the awards."""

    state = TabFilter(label=_("Stand"), choices=[(s.value, s.label) for s in STATE_ORDER], empty_label=ALL_LABEL)
    municipality = municipality_filter("application__municipality")
    district = district_filter("application__municipality__regierungsbezirk")
    programme = programme_filter("application__programme")

    listing = DEADLINES
    view_params = ("state", "sort")

    class Meta:
        model = Award
        fields = ()
