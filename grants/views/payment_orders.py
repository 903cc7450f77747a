"""Payment orders for the state treasury (Sachbearbeitung and Bewilligung): the released
payments of a day, exported once and marked; earlier exports delivered again only on an
explicit, recorded request."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import Capability
from core import clock
from core.banking import is_test_iban
from core.errors import DomainError
from core.formats import format_date
from core.forms import GermanDateField
from core.money import ZERO
from grants.models import PaymentOrderExport
from grants.policies import refuse_missing_bank_details
from grants.policies.sepa import refuse_sepa_debtor
from grants.selectors.payments import export_rows, payment_orders_preview
from grants.selectors.scoping import get_payment_order_export_for_user
from grants.services.payment_orders import (
    EXPORT_FORMATS,
    describe_total,
    payment_order_sepa_create,
    payment_orders_export,
    payment_orders_reexport,
    sepa_file_of,
    sepa_unavailable,
)
from grants.views.common import AuthenticatedRequest, file_response, require
from municipalities.models import Municipality

RECENT_EXPORTS = 50


class DayForm(forms.Form):
    tag = GermanDateField(label=gettext_lazy("Freigabetag"),
                          widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
                          error_messages={"required": gettext_lazy("Bitte einen Tag angeben."),
                                          "invalid": gettext_lazy("Bitte einen gültigen Tag angeben.")})


class ReexportForm(forms.Form):
    bestaetigt = forms.BooleanField(
        label=gettext_lazy("Erneut exportieren – nur nach Rücksprache mit der Landeshauptkasse"),
        error_messages={"required": gettext_lazy(
            "Bitte bestätigen Sie, dass der erneute Export mit der Landeshauptkasse abgesprochen ist.")})


def _page_url(day) -> str:
    return f"{reverse('grants:payment_orders')}?{urlencode({'tag': day.isoformat()})}"


@login_required
@require_GET
def payment_orders(request: AuthenticatedRequest) -> HttpResponse:
    """Pick a day (today by default); its released, not yet exported payments; earlier exports."""
    require(request.user, Capability.PREPARE_PAYMENT)
    form = DayForm(request.GET if "tag" in request.GET else None, initial={"tag": clock.today()})
    day = form.cleaned_data["tag"] if form.is_bound and form.is_valid() else clock.today()
    rows = payment_orders_preview(day)
    total = sum((row.amount for row in rows), ZERO)
    bodies = Municipality.objects.filter(ags__in={row.ags for row in rows}).order_by("name")
    exports = list(PaymentOrderExport.objects.select_related("created_by").defer("snapshot")
                   [:RECENT_EXPORTS])
    return render(request, "grants/payment_orders.html", {
        "form": form, "day": day, "rows": rows, "total": total,
        "sum_check": describe_total(len(rows), total),
        "exports": exports, "reexport_form": ReexportForm(),
        "bank_refusal": refuse_missing_bank_details(bodies) if rows else None,
        "test_iban_payees": [body.payee for body in bodies if body.has_test_iban] if rows else [],
    }, status=200 if not form.is_bound or form.is_valid() else 400)


@login_required
@require_POST
def payment_orders_create(request: AuthenticatedRequest) -> HttpResponse:
    """„Exportieren und markieren“: one service call, then the new export's page with its files."""
    require(request.user, Capability.PREPARE_PAYMENT)
    form = DayForm(request.POST)
    if not form.is_valid():
        # ErrorList yields its messages as str; the stubs type its items as ValidationError | str.
        messages.error(request, " ".join(form.errors.get("tag", [])))  # type: ignore[arg-type]
        return redirect("grants:payment_orders")
    day = form.cleaned_data["tag"]
    try:
        export = payment_orders_export(day=day, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_page_url(day))
    messages.success(request, _("Export %(number)s erstellt: %(sum)s. Die Zahlungen sind als exportiert "
                                "markiert.") % {"number": export.number,
                                                "sum": describe_total(export.row_count, export.total)})
    return redirect("grants:payment_order_detail", pk=export.pk)


@login_required
@require_GET
def payment_order_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """An export's rows, its sum check and its files. Looking records nothing."""
    require(request.user, Capability.PREPARE_PAYMENT)
    export = get_payment_order_export_for_user(request.user, pk)
    rows = export_rows(export)
    sepa_file = sepa_file_of(export)
    sepa_reason, sepa_offered = sepa_unavailable(export, sepa_file)
    labels = {"csv": "CSV", "xlsx": "XLSX", "xml": _("SEPA-Datei (pain.001)")}
    return render(request, "grants/payment_order_detail.html", {
        "export": export, "rows": rows,
        "sum_check": describe_total(export.row_count, export.total),
        "sum_matches": sum((row.amount for row in rows), ZERO) == export.total and len(rows) == export.row_count,
        "downloads": [(labels[fmt], reverse("grants:payment_order_download", args=[export.pk, fmt]))
                      for fmt in EXPORT_FORMATS if fmt != "xml" or sepa_file is not None],
        "sepa_file": sepa_file, "sepa_reason": sepa_reason, "sepa_offered": sepa_offered,
        "sepa_test_debtor": sepa_file is not None and is_test_iban(sepa_file.debtor_iban),
        "sepa_blocked": sepa_offered and refuse_sepa_debtor() is not None,
        "reexport_form": ReexportForm(),
    })


@login_required
@require_GET
def payment_order_download(request: AuthenticatedRequest, pk: int, fmt: str) -> HttpResponse:
    """The CSV or XLSX of an export, always the same bytes; a download records nothing."""
    require(request.user, Capability.PREPARE_PAYMENT)
    if fmt not in EXPORT_FORMATS:
        return HttpResponseNotFound(_("Dieses Exportformat gibt es nicht. Möglich sind „csv“, „xlsx“ und „xml“ "
                                      "(SEPA)."),
                                    content_type="text/plain; charset=utf-8")
    export = get_payment_order_export_for_user(request.user, pk)
    writer, content_type = EXPORT_FORMATS[fmt]
    try:
        content = writer(export)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("grants:payment_order_detail", pk=export.pk)
    return file_response(content, export.filename(fmt), content_type)


@login_required
@require_POST
def payment_order_reexport(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """„Erneut herunterladen“: confirmed, recorded, and the same files as before."""
    require(request.user, Capability.PREPARE_PAYMENT)
    export = get_payment_order_export_for_user(request.user, pk)
    form = ReexportForm(request.POST)
    if not form.is_valid():
        # ErrorList yields its messages as str (see above).
        messages.error(request, " ".join(form.errors.get("bestaetigt", [])))  # type: ignore[arg-type]
        return redirect(_page_url(export.day))
    try:
        payment_orders_reexport(export=export, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_page_url(export.day))
    messages.success(request, _("Export %(number)s wird erneut bereitgestellt (%(sum)s); der erneute Export "
                                "ist protokolliert.") % {"number": export.number,
                                                         "sum": describe_total(export.row_count, export.total)})
    return redirect("grants:payment_order_detail", pk=export.pk)


@login_required
@require_POST
def payment_order_sepa(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """„SEPA-Datei erstellen“ for an export made without one: once, recorded, from its snapshot."""
    require(request.user, Capability.PREPARE_PAYMENT)
    export = get_payment_order_export_for_user(request.user, pk)
    try:
        sepa_file = payment_order_sepa_create(export=export, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("grants:payment_order_detail", pk=export.pk)
    messages.success(request, _("SEPA-Datei %(id)s erstellt (%(sum)s, Ausführung am %(date)s).") % {
        "id": sepa_file.message_id, "sum": describe_total(export.row_count, export.total),
        "date": format_date(sepa_file.execution_date)})
    return redirect("grants:payment_order_detail", pk=export.pk)
