"""Verwendungsnachweise: the coordinator drafts and submits the proof of use of the own body's
award (interim per budget year, final for the period); the ministry lists and checks them.

Every view: capability check, scoped lookup (another body's report is a 404), form, one
service call (grants/services/usage_reports.py); a refusal is shown beside its field. Who may
do what is asked of grants/policies/proofs.py; the figures come from grants/selectors/proofs.py.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Capability
from core import clock
from core.errors import DomainError, FieldErrors
from core.uploads import pdf_download_response
from grants.filters import UsageReportFilterSet
from grants.forms.usage_reports import (
    DECLARATION_TEXT,
    AcceptForm,
    NarrativeForm,
    SendBackForm,
    UsageReportForm,
)
from grants.lists import export_response, list_context
from grants.lists.columns import USAGE_REPORTS, body_fields, person_fields
from grants.models import UsageReport
from grants.plan.lines import FinancingSource
from grants.policies import may_usage_report_accept, may_usage_report_edit
from grants.policies.proofs import refuse_period_running
from grants.selectors.history import usage_report_history
from grants.selectors.proofs import actual_figures, comparison, paid_for, report_deadline, report_label, report_url
from grants.selectors.scoping import (
    award_of,
    get_application_for_user,
    get_usage_report_for_user,
    usage_reports_visible_to,
)
from grants.services.usage_reports import (
    usage_report_accept,
    usage_report_attach_narrative,
    usage_report_save,
    usage_report_send_back,
    usage_report_submit,
)
from grants.views.common import AuthenticatedRequest, apply_domain_error, paginate, require, run_form_action

R = UsageReport.Status
K = UsageReport.Kind
PAGE_SIZE = 50


def _with_fields(figures: dict, form) -> dict:
    """The comparison's rows with the form fields the actual amounts are typed in."""
    if form is not None:
        for row in (*figures["expenditure_rows"], *figures["financing_rows"]):
            row["field"] = form[row["key"]]
    return figures


# -- Koordination: the report form -----------------------------------------------------------------


def _editable(request, award, report, deadline) -> bool:
    return may_usage_report_edit(request.user, award, report, deadline=deadline) is None


def _report_context(request, *, application, award, deadline, report, form, narrative_form) -> dict:
    editable = _editable(request, award, report, deadline)
    typed = None
    if editable and form.is_bound:
        data = getattr(form, "cleaned_data", {})
        typed = ({c.code: data.get(f"expenditure-{c.code}") for c in form.categories},
                 {source: data.get(f"financing-{source}") for source in FinancingSource.values})
    figures = _with_fields(comparison(award, deadline.kind, deadline.year, report, typed=typed),
                           form if editable else None)
    return {
        "application": application, "award": award, "deadline": deadline, "report": report,
        "report_label": report_label(deadline),
        "form": form, "narrative_form": narrative_form, "declaration_text": DECLARATION_TEXT,
        "editable": editable,
        "paid": paid_for(award, deadline.kind, deadline.year), "history": usage_report_history(report),
        "overdue": clock.today() > deadline.due and (report is None or report.submitted_at is None),
        "max_upload_mb": settings.MAX_UPLOAD_BYTES // 1_048_576,
        "form_url": report_url(deadline, application.pk), **figures,
    }


def _initial(award, deadline, report: UsageReport | None) -> dict:
    """Saved amounts; for a report not yet saved the grant received is what was paid out."""
    if report is None:
        return {f"financing-{FinancingSource.GRANT}": paid_for(award, deadline.kind, deadline.year)}
    expenditures, financings = actual_figures(report)
    initial = {f"expenditure-{code}": amount for code, amount in expenditures.items()}
    initial |= {f"financing-{source}": amount for source, amount in financings.items()}
    initial["declaration"] = report.declaration
    return initial


def _report_page(request: AuthenticatedRequest, pk: int, kind: str, year: int | None) -> HttpResponse:
    require(request.user, Capability.APPLY)
    application = get_application_for_user(request.user, pk)
    award = award_of(application)
    if award is None:
        raise Http404(_("Für diesen Antrag gibt es keine Zuwendung."))
    try:
        deadline = report_deadline(award, kind, year)
    except DomainError:
        raise Http404(_("Diesen Nachweis gibt es für die Zuwendung nicht.")) from None
    report = UsageReport.objects.filter(award=award, kind=kind, year=year).first()
    if report is None and (refusal := refuse_period_running(deadline, clock.today())):
        messages.info(request, refusal.reason)
        return redirect("grants:application_detail", pk=application.pk)
    categories = application.programme.cost_categories.order_by("position", "name")
    if request.method == "POST":
        form = UsageReportForm(request.POST, categories=categories)
        refusal = may_usage_report_edit(request.user, award, report, deadline=deadline)
        if refusal is not None:
            form.is_valid()
            form.add_error(None, refusal.reason)
        elif form.is_valid():
            try:
                report = usage_report_save(award=award, kind=kind, year=year, user=request.user,
                                           expenditures=form.expenditures(), financings=form.financings())
            except DomainError as error:
                apply_domain_error(error, form)
            else:
                if "submit" not in request.POST:
                    messages.success(request, _("Der Entwurf des Nachweises ist gespeichert."))
                    return redirect(report_url(deadline, application.pk))
                try:
                    usage_report_submit(report=report, user=request.user,
                                        declaration=form.cleaned_data["declaration"])
                except DomainError as error:
                    messages.warning(request, _("Die Angaben sind gespeichert, aber der Nachweis ist noch nicht "
                                                "eingereicht. Bitte die markierten Punkte ergänzen."))
                    narrative_form = NarrativeForm()
                    apply_domain_error(error, form, narrative_form)
                    return render(request, "grants/usage_report_form.html", _report_context(
                        request, application=application, award=award, deadline=deadline, report=report,
                        form=form, narrative_form=narrative_form))
                messages.success(request, _("Der %(kind)s ist eingereicht. Das Ministerium prüft ihn.")
                                 % {"kind": str(report)})
                return redirect("grants:application_detail", pk=application.pk)
    else:
        form = UsageReportForm(initial=_initial(award, deadline, report), categories=categories)
    return render(request, "grants/usage_report_form.html", _report_context(
        request, application=application, award=award, deadline=deadline, report=report, form=form,
        narrative_form=NarrativeForm()))


def usage_report_interim(request: AuthenticatedRequest, pk: int, year: int) -> HttpResponse:
    return _report_page(request, pk, K.INTERIM, year)


def usage_report_final(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _report_page(request, pk, K.FINAL, None)


@require_POST
def usage_report_narrative(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Upload the Sachbericht; a refusal is shown beside the upload field on the report page."""
    require(request.user, Capability.APPLY)
    report = get_usage_report_for_user(request.user, pk)
    application = report.award.application
    narrative_form = NarrativeForm(request.POST, request.FILES)
    if narrative_form.is_valid():
        upload = narrative_form.cleaned_data["narrative"]
        # Read at most one byte past the limit: enough for the service to refuse it.
        content = upload.read(settings.MAX_UPLOAD_BYTES + 1)
        try:
            usage_report_attach_narrative(report=report, user=request.user, name=upload.name, content=content)
        except FieldErrors as error:
            apply_domain_error(error, narrative_form)
        except DomainError as error:  # e.g. already submitted: the page then has no upload field
            messages.error(request, error.message)
            return redirect(report_url(report, application.pk))
        else:
            messages.success(request, _("Der Sachbericht „%(name)s“ ist hochgeladen.") % {"name": upload.name})
            return redirect(report_url(report, application.pk))
    award = report.award
    deadline = report_deadline(award, report.kind, report.year)
    categories = application.programme.cost_categories.order_by("position", "name")
    form = UsageReportForm(initial=_initial(award, deadline, report), categories=categories)
    return render(request, "grants/usage_report_form.html", _report_context(
        request, application=application, award=award, deadline=deadline, report=report, form=form,
        narrative_form=narrative_form))


def usage_report_narrative_download(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """The Sachbericht, for the own body's coordinator and the ministry; everyone else 404."""
    report = get_usage_report_for_user(request.user, pk)
    if not report.narrative:
        raise Http404(_("Zu diesem Nachweis gibt es noch keinen Sachbericht."))
    try:
        handle = report.narrative.open("rb")
    except FileNotFoundError:
        raise Http404(_("Die Datei ist nicht mehr vorhanden.")) from None
    return pdf_download_response(handle, report.narrative_name, "sachbericht.pdf")


# -- Ministerium: list and check -------------------------------------------------------------------


LIST_COLUMNS = ("kind", "year", "status", "submitted_at", *body_fields("award__application"),
                "award__application__programme__period_start", "award__application__programme__period_end",
                *person_fields("checked_by"))


def usage_report_list(request: AuthenticatedRequest) -> HttpResponse:
    """Submitted reports first, then those awaiting answers, then the accepted ones (or sorted by
    any column); searched, filtered by status, programme period and body; or their export. A
    fixed number of queries per page."""
    require(request.user, Capability.REVIEW)
    visible = usage_reports_visible_to(request.user)
    filterset = UsageReportFilterSet(request.GET, queryset=visible)
    order = filterset.qs.values_list("pk", flat=True)
    # The rows' columns only (the list's and the export's): the scoped queryset joins every column
    # of award, application, programme and people for the check page.
    rows = (visible.select_related(None).select_related("award__application__municipality",
                                                        "award__application__programme", "checked_by")
            .only(*LIST_COLUMNS))
    if (exported := export_response(request, USAGE_REPORTS, order, rows=rows)) is not None:
        return exported
    page = paginate(request, order, PAGE_SIZE, rows=rows)
    return render(request, "grants/usage_report_list.html", {
        "filterset": filterset, "page": page, "reports": page.object_list,
        **list_context(request, USAGE_REPORTS, filterset),
    })


def _check_page(request, report, accept_form=None, send_back_form=None) -> HttpResponse:
    award = report.award
    return render(request, "grants/usage_report_check.html", {
        "report": report, "award": award, "application": award.application,
        "declaration_text": DECLARATION_TEXT, "history": usage_report_history(report),
        "paid": paid_for(award, report.kind, report.year),
        "accept_form": accept_form or AcceptForm(), "send_back_form": send_back_form or SendBackForm(),
        "can_check": may_usage_report_accept(request.user, report) is None,
        **comparison(award, report.kind, report.year, report),
    })


def usage_report_check(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, Capability.REVIEW)
    return _check_page(request, get_usage_report_for_user(request.user, pk))


def _check_action(request, pk, form_class, form_name: str, act, success: str) -> HttpResponse:
    """Accept or send back: the form's refusal stays on the check page with what was typed;
    a refusal of the state (already accepted, say) is a message."""
    require(request.user, Capability.REVIEW)
    report = get_usage_report_for_user(request.user, pk)
    form = form_class(request.POST)
    done = run_form_action(request, form, lambda data: act(report, data), success=success,
                           next_url=reverse("grants:usage_report_check", args=[report.pk]),
                           refused_url=reverse("grants:usage_report_check", args=[report.pk]))
    return done or _check_page(request, report, **{form_name: form})


@require_POST
def usage_report_accept_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _check_action(
        request, pk, AcceptForm, "accept_form",
        lambda report, data: usage_report_accept(report=report, user=request.user, note=data["note"]),
        _("Der Nachweis ist angenommen."))


@require_POST
def usage_report_send_back_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _check_action(
        request, pk, SendBackForm, "send_back_form",
        lambda report, data: usage_report_send_back(report=report, user=request.user, questions=data["questions"]),
        _("Die Rückfragen sind an die Koordination gesendet."))
