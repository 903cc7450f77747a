"""Verwendungsnachweise: the coordinator drafts and submits the proof of use of the own body's
award (interim per budget year, final for the period); the ministry lists and checks them.

Every view: capability check, scoped lookup (another body's report is a 404), form, one
service call (grants/services/usage_reports.py); a refusal is shown beside its field.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.roles import Capability
from audit.selectors import audit_entries_for
from grants.deadlines import report_deadlines
from core.errors import DomainError, FieldErrors
from grants.forms.usage_reports import (
    DECLARATION_TEXT,
    SOURCE_LABELS,
    AcceptForm,
    NarrativeForm,
    SendBackForm,
    UsageReportFilterForm,
    UsageReportForm,
)
from grants.models import Application, ApplicationStatus, Award, UsageReport
from grants.plan.lines import FinancingSource
from core.money import ZERO, to_money
from grants.plan import codec
from grants.selectors import award_year_figures, get_application_for_user
from grants.services.usage_reports import (
    EDITABLE_STATUSES,
    check_period_ended,
    period_has_ended,
    report_deadline,
    usage_report_accept,
    usage_report_attach_narrative,
    usage_report_save,
    usage_report_send_back,
    usage_report_submit,
)
from grants.views.common import apply_domain_error, require
from core import clock
from core.formats import format_date

R = UsageReport.Status
K = UsageReport.Kind
PAGE_SIZE = 50
_RELATED = ("award__application__municipality", "award__application__programme", "submitted_by", "checked_by")

HISTORY_LABELS = {
    "grants.usage_report.created": gettext_lazy("Nachweis begonnen"),
    "grants.usage_report.saved": gettext_lazy("Angaben gespeichert"),
    "grants.usage_report.narrative_attached": gettext_lazy("Sachbericht hochgeladen"),
    "grants.usage_report.submitted": gettext_lazy("Nachweis eingereicht"),
    "grants.usage_report.questions_sent": gettext_lazy("Rückfragen gesendet"),
    "grants.usage_report.accepted": gettext_lazy("Nachweis angenommen"),
}


# -- scoped lookups and figures -------------------------------------------------------------------


def reports_visible_to(user) -> QuerySet[UsageReport]:
    """Coordinators see their own body's reports; ministry staff every report once it has been
    submitted (a draft is the body's own work until then); others none."""
    queryset = UsageReport.objects.select_related(*_RELATED)
    if user.can(Capability.VIEW_ALL):
        return queryset.filter(submitted_at__isnull=False)
    if user.can(Capability.APPLY):
        return queryset.filter(award__application__municipality_id=user.municipality_id)
    return queryset.none()


def get_report_for_user(user, pk) -> UsageReport:
    """The report, or 404 when it does not exist *or* the user may not see it."""
    try:
        return reports_visible_to(user).get(pk=pk)
    except (UsageReport.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Nachweis nicht gefunden.")) from None


def _award_of(application: Application) -> Award | None:
    if application.status != ApplicationStatus.APPROVED:
        return None
    return Award.objects.filter(application=application).select_related("application__programme").first()


def report_url(report_or_deadline, application_id: int) -> str:
    if report_or_deadline.kind == K.INTERIM:
        return reverse("grants:usage_report_interim", args=[application_id, report_or_deadline.year])
    return reverse("grants:usage_report_final", args=[application_id])


def _planned(award: Award, year: int | None) -> tuple[dict, dict]:
    """The binding plan for the year (or summed over all years for the final proof):
    {category code: amount}, {source: amount}."""
    plan = codec.decode(award.plan_snapshot)
    return plan.expenditure_by_category(year), plan.financing_by_source(year)


def _paid(award: Award, year: int | None):
    return sum((row["paid"] for row in award_year_figures(award) if year is None or row["year"] == year), ZERO)


def _row(label, planned, actual, field=None) -> dict:
    return {"label": label, "planned": planned, "actual": actual, "field": field,
            "difference": None if actual is None else actual - (planned or ZERO)}


def _total(rows) -> dict:
    planned = sum((row["planned"] or ZERO for row in rows), ZERO)
    actuals = [row["actual"] for row in rows if row["actual"] is not None]
    return _row(_("Summe"), planned, sum(actuals, ZERO) if actuals else None)


def comparison(award: Award, kind: str, year: int | None, report: UsageReport | None, form=None) -> dict:
    """Plan beside actual per cost category and per financing source, with differences.
    With a bound form the actual amounts are what was typed (where it was valid)."""
    categories = list(award.application.programme.cost_categories.order_by("position", "name"))
    planned_expenditures, planned_financings = _planned(award, year if kind == K.INTERIM else None)
    actual_expenditures, actual_financings = {}, {}
    if report is not None:
        actual_expenditures = {line.category.code: line.amount for line in report.expenditures.select_related("category")}
        actual_financings = {line.source: line.amount for line in report.financings.all()}
    if form is not None and form.is_bound:
        data = getattr(form, "cleaned_data", {})
        actual_expenditures = {c.code: data.get(f"expenditure-{c.code}") for c in categories}
        actual_financings = {s: data.get(f"financing-{s}") for s in FinancingSource.values}
    expenditure_rows = [
        _row(category.name, planned_expenditures.get(category.code), actual_expenditures.get(category.code),
             form[f"expenditure-{category.code}"] if form is not None else None)
        for category in categories
    ]
    financing_rows = [
        _row(SOURCE_LABELS[source], planned_financings.get(source), actual_financings.get(source),
             form[f"financing-{source}"] if form is not None else None) | {"source": source}
        for source in FinancingSource.values
    ]
    return {"expenditure_rows": expenditure_rows, "expenditure_total": _total(expenditure_rows),
            "financing_rows": financing_rows, "financing_total": _total(financing_rows),
            "categories": categories}


def _history(report: UsageReport | None) -> list[dict]:
    if report is None:
        return []
    rows = []
    for entry in audit_entries_for(report):
        status = entry.changes.get("status")
        status_change = None
        if status and len(status) == 2:
            labels = dict(R.choices)
            status_change = f"{labels.get(status[0], '–') if status[0] else '–'} → {labels.get(status[1], status[1])}"
        rows.append({"created_at": entry.created_at, "actor": entry.actor,
                     "label": HISTORY_LABELS.get(entry.action, entry.action), "status_change": status_change,
                     "text": entry.data.get("questions") or entry.data.get("note") or ""})
    return rows


# -- Koordination: the report form -----------------------------------------------------------------


def _report_context(request, *, application, award, deadline, report, form, narrative_form) -> dict:
    figures = comparison(award, deadline.kind, deadline.year, report, form if report is None or
                         report.status in EDITABLE_STATUSES else None)
    return {
        "application": application, "award": award, "deadline": deadline, "report": report,
        "form": form, "narrative_form": narrative_form, "declaration_text": DECLARATION_TEXT,
        "editable": report is None or report.status in EDITABLE_STATUSES,
        "paid": _paid(award, deadline.year), "history": _history(report),
        "overdue": clock.today() > deadline.due and (report is None or report.submitted_at is None),
        "max_upload_mb": settings.MAX_UPLOAD_BYTES // 1_048_576,
        "form_url": report_url(deadline, application.pk), **figures,
    }


def _initial(award: Award, deadline, report: UsageReport | None) -> dict:
    """Saved amounts; for a report not yet saved the grant received is what was paid out."""
    if report is None:
        return {f"financing-{FinancingSource.GRANT}": _paid(award, deadline.year)}
    initial = {f"expenditure-{line.category.code}": line.amount for line in report.expenditures.select_related("category")}
    initial |= {f"financing-{line.source}": line.amount for line in report.financings.all()}
    initial["declaration"] = report.declaration
    return initial


def _report_page(request: HttpRequest, pk: int, kind: str, year: int | None) -> HttpResponse:
    require(request.user, Capability.APPLY)
    application = get_application_for_user(request.user, pk)
    award = _award_of(application)
    if award is None:
        raise Http404(_("Für diesen Antrag gibt es keine Zuwendung."))
    try:
        deadline = report_deadline(award, kind, year)
    except DomainError:
        raise Http404(_("Diesen Nachweis gibt es für die Zuwendung nicht.")) from None
    report = UsageReport.objects.filter(award=award, kind=kind, year=year).first()
    if report is None:
        try:
            check_period_ended(deadline, clock.today())
        except DomainError as error:
            messages.info(request, error.message)
            return redirect("grants:application_detail", pk=application.pk)
    categories = application.programme.cost_categories.order_by("position", "name")
    editable = report is None or report.status in EDITABLE_STATUSES
    if request.method == "POST" and editable:
        form = UsageReportForm(request.POST, categories=categories)
        if form.is_valid():
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


def usage_report_interim(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    return _report_page(request, pk, K.INTERIM, year)


def usage_report_final(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_page(request, pk, K.FINAL, None)


@require_POST
def usage_report_narrative(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload the Sachbericht; a refusal is shown beside the upload field on the report page."""
    require(request.user, Capability.APPLY)
    report = get_report_for_user(request.user, pk)
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


def usage_report_narrative_download(request: HttpRequest, pk: int) -> FileResponse:
    """The Sachbericht, for the own body's coordinator and the ministry; everyone else 404."""
    report = get_report_for_user(request.user, pk)
    if not report.narrative:
        raise Http404(_("Zu diesem Nachweis gibt es noch keinen Sachbericht."))
    try:
        handle = report.narrative.open("rb")
    except FileNotFoundError:
        raise Http404(_("Die Datei ist nicht mehr vorhanden.")) from None
    return FileResponse(handle, as_attachment=True, filename=report.narrative_name or "sachbericht.pdf",
                        content_type="application/pdf")


# -- Ministerium: list and check -------------------------------------------------------------------


def usage_report_list(request: HttpRequest) -> HttpResponse:
    """Submitted reports first, then those awaiting answers, then the accepted ones; filtered
    by status, programme period and body. A fixed number of queries per page."""
    require(request.user, Capability.REVIEW)
    form = UsageReportFilterForm(request.GET or None)
    reports = form.filter(reports_visible_to(request.user)).annotate(
        queue=Case(When(status=R.SUBMITTED, then=Value(0)), When(status=R.QUESTIONS, then=Value(1)),
                   default=Value(2), output_field=IntegerField()),
    ).order_by("queue", "submitted_at", "pk")
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "grants/usage_report_list.html", {
        "form": form, "page": page, "reports": page.object_list, "filtered": form.filtered,
    })


def _check_page(request, report, accept_form=None, send_back_form=None) -> HttpResponse:
    award = report.award
    return render(request, "grants/usage_report_check.html", {
        "report": report, "award": award, "application": award.application,
        "declaration_text": DECLARATION_TEXT, "history": _history(report),
        "paid": _paid(award, report.year),
        "accept_form": accept_form or AcceptForm(), "send_back_form": send_back_form or SendBackForm(),
        "can_check": report.status == R.SUBMITTED,
        **comparison(award, report.kind, report.year, report),
    })


def usage_report_check(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Capability.REVIEW)
    return _check_page(request, get_report_for_user(request.user, pk))


def _check_action(request, pk, form_class, form_name: str, act, success: str) -> HttpResponse:
    """Accept or send back: the form's refusal stays on the check page with what was typed;
    a refusal of the state (already accepted, say) is a message."""
    require(request.user, Capability.REVIEW)
    report = get_report_for_user(request.user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(report, form.cleaned_data)
        except FieldErrors as error:
            apply_domain_error(error, form)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("grants:usage_report_check", pk=report.pk)
        else:
            messages.success(request, success)
            return redirect("grants:usage_report_check", pk=report.pk)
    return _check_page(request, report, **{form_name: form})


@require_POST
def usage_report_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _check_action(
        request, pk, AcceptForm, "accept_form",
        lambda report, data: usage_report_accept(report=report, user=request.user, note=data["note"]),
        _("Der Nachweis ist angenommen."))


@require_POST
def usage_report_send_back_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _check_action(
        request, pk, SendBackForm, "send_back_form",
        lambda report, data: usage_report_send_back(report=report, user=request.user, questions=data["questions"]),
        _("Die Rückfragen sind an die Koordination gesendet."))


# -- the panel on the application's detail page -------------------------------------------------


def detail_panel(request: HttpRequest, application: Application) -> dict:
    """The reporting deadlines of the award with the status of each report and what the
    person may do with it; for the own body's coordinator and the ministry."""
    user = request.user
    is_coordinator = user.can(Capability.APPLY)
    if not (is_coordinator or user.can(Capability.VIEW_ALL)):
        return {}
    award = _award_of(application)
    if award is None:
        return {}
    reports = {(report.kind, report.year): report for report in award.usage_reports.all()}
    today = clock.today()
    rows = []
    for deadline in report_deadlines(award):
        report = reports.get((deadline.kind, deadline.year))
        row = {"deadline": deadline, "report": report,
               "label": _("Zwischennachweis %(year)s") % {"year": deadline.year}
               if deadline.kind == K.INTERIM else _("Verwendungsnachweis"),
               "status": report.get_status_display() if report else _("nicht begonnen"),
               "overdue": today > deadline.due and (report is None or report.submitted_at is None),
               "link": None, "link_label": None}
        if is_coordinator and period_has_ended(deadline, today):
            row["link"] = report_url(deadline, application.pk)
            if report is None:
                row["link_label"] = _("Nachweis erstellen")
            elif report.status in EDITABLE_STATUSES:
                row["link_label"] = _("Nachweis bearbeiten")
            else:
                row["link_label"] = _("Nachweis ansehen")
        elif is_coordinator:
            row["not_yet"] = _("ab %(date)s") % {"date": format_date(deadline.covers_to + timedelta(days=1))}
        elif user.can(Capability.REVIEW) and report is not None and report.submitted_at is not None:
            row["link"] = reverse("grants:usage_report_check", args=[report.pk])
            row["link_label"] = _("Nachweis prüfen") if report.status == R.SUBMITTED else _("Nachweis ansehen")
        rows.append(row)
    return {"panels": ["grants/_usage_reports_panel.html"], "usage_report_rows": rows}
