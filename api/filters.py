"""The filters of the API's lists (query parameters). Unlike the UI's filters, a value that is
not valid is refused with 400 and a German message per parameter, not ignored: a program that
sends `status=bewiligt` must learn that it got no filtered list."""

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from grants.models import Application, ApplicationStatus, Award, Disbursement, Notice, Reclaim, UsageReport
from grants.selectors.deadlines import DeadlineState

# A budget year as a parameter: a whole number in the range every date field of the project accepts.
YEAR_RANGE = {"min_value": 1900, "max_value": 2199, "decimal_places": 0}

PROGRAMME_HELP = _("Förderperiode: ID oder Kürzel (z. B. „wir-2026“)")
BODY_HELP = _("Gebietskörperschaft: ID oder Amtlicher Gemeindeschlüssel (AGS)")
# An ID as a parameter: a larger number would overflow the database's integer (a server error on
# SQLite) instead of finding nothing.
MAX_ID = 2**63 - 1


def _id_filter(field_name: str, help_text) -> filters.NumberFilter:
    return filters.NumberFilter(field_name=field_name, min_value=1, max_value=MAX_ID, decimal_places=0,
                                help_text=help_text)


class _ProgrammeFilter(filters.CharFilter):
    """`programme=<id or code>`."""

    def __init__(self, path: str, **kwargs):
        self.path = path
        super().__init__(help_text=PROGRAMME_HELP, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        key = "pk" if value.isascii() and value.isdigit() and len(value) < 19 else "code"
        return qs.filter(**{f"{self.path}__{key}": value})


class _BodyFilter(filters.CharFilter):
    """`body=<id or AGS>`."""

    def __init__(self, path: str, **kwargs):
        self.path = path
        super().__init__(help_text=BODY_HELP, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        if value.isascii() and value.isdigit() and len(value) < 8:
            return qs.filter(**{f"{self.path}__pk": value})
        return qs.filter(**{f"{self.path}__ags": value})


class ApplicationFilter(filters.FilterSet):
    programme = _ProgrammeFilter("programme")
    body = _BodyFilter("municipality")
    status = filters.MultipleChoiceFilter(choices=ApplicationStatus.choices,
                                          help_text=_("Status; mehrfach angeben für mehrere"))
    period_year = filters.NumberFilter(method="filter_period_year", **YEAR_RANGE,
                                       help_text=_("Vorhaben läuft im Haushaltsjahr (z. B. 2027)"))
    submitted_after = filters.DateFilter(field_name="submitted_at", lookup_expr="date__gte",
                                         help_text=_("eingereicht am oder nach diesem Tag (JJJJ-MM-TT)"))
    submitted_before = filters.DateFilter(field_name="submitted_at", lookup_expr="date__lte",
                                          help_text=_("eingereicht am oder vor diesem Tag (JJJJ-MM-TT)"))

    class Meta:
        model = Application
        fields: list[str] = []

    def filter_period_year(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(period_start__year__lte=value, period_end__year__gte=value)


class AwardFilter(filters.FilterSet):
    programme = _ProgrammeFilter("application__programme")
    body = _BodyFilter("application__municipality")
    status = filters.ChoiceFilter(choices=Award.Status.choices)

    class Meta:
        model = Award
        fields: list[str] = []


class NoticeFilter(filters.FilterSet):
    programme = _ProgrammeFilter("application__programme")
    body = _BodyFilter("application__municipality")
    application = _id_filter("application_id", _("ID des Antrags"))
    kind = filters.ChoiceFilter(choices=Notice.Kind.choices)
    issued_after = filters.DateFilter(field_name="issued_on", lookup_expr="gte")
    issued_before = filters.DateFilter(field_name="issued_on", lookup_expr="lte")

    class Meta:
        model = Notice
        fields: list[str] = []


class PaymentFilter(filters.FilterSet):
    programme = _ProgrammeFilter("award_year__award__application__programme")
    body = _BodyFilter("award_year__award__application__municipality")
    award = _id_filter("award_year__award_id", _("ID der Zuwendung"))
    status = filters.MultipleChoiceFilter(choices=Disbursement.Status.choices,
                                          help_text=_("Status; mehrfach angeben für mehrere"))
    budget_year = filters.NumberFilter(field_name="award_year__budget__year", **YEAR_RANGE,
                                       help_text=_("Haushaltsjahr"))
    paid_after = filters.DateFilter(field_name="paid_on", lookup_expr="gte")
    paid_before = filters.DateFilter(field_name="paid_on", lookup_expr="lte")

    class Meta:
        model = Disbursement
        fields: list[str] = []


class ProofFilter(filters.FilterSet):
    programme = _ProgrammeFilter("award__application__programme")
    body = _BodyFilter("award__application__municipality")
    award = _id_filter("award_id", _("ID der Zuwendung"))
    kind = filters.ChoiceFilter(choices=UsageReport.Kind.choices)
    status = filters.ChoiceFilter(choices=UsageReport.Status.choices)
    year = filters.NumberFilter(field_name="year", **YEAR_RANGE, help_text=_("Haushaltsjahr des Zwischennachweises"))

    class Meta:
        model = UsageReport
        fields: list[str] = []


class ReclaimFilter(filters.FilterSet):
    programme = _ProgrammeFilter("award__application__programme")
    body = _BodyFilter("award__application__municipality")
    award = _id_filter("award_id", _("ID der Zuwendung"))
    status = filters.ChoiceFilter(choices=Reclaim.Status.choices)

    class Meta:
        model = Reclaim
        fields: list[str] = []


class DeadlineAwardFilter(filters.FilterSet):
    """Narrows the awards whose deadlines are listed; state and due range apply to the deadlines
    themselves (api/views/deadlines.py)."""

    programme = _ProgrammeFilter("application__programme")
    body = _BodyFilter("application__municipality")
    award = _id_filter("pk", _("ID der Zuwendung"))
    state = filters.ChoiceFilter(choices=DeadlineState.choices, method="keep",
                                 help_text=_("Stand der Frist"))
    due_after = filters.DateFilter(method="keep", help_text=_("fällig am oder nach diesem Tag (JJJJ-MM-TT)"))
    due_before = filters.DateFilter(method="keep", help_text=_("fällig am oder vor diesem Tag (JJJJ-MM-TT)"))

    class Meta:
        model = Award
        fields: list[str] = []

    def keep(self, qs, name, value):
        return qs
