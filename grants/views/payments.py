"""Mittelabruf and Auszahlung: the coordinator calls funds of the own award; the ministry
checks and prepares, releases (four-eyes), books or rejects from its payments queue.

Every action: capability check, scoped lookup, form, one service call (grants/services/
disbursements.py); a refusal is shown beside the field or as a message, never as a server
error. The four-eyes rule is shown before anyone clicks and enforced by the service.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Capability
from core.errors import BudgetExceeded, DomainError
from grants.forms.payments import (
    QUEUE_STATUSES,
    PaymentBookForm,
    PaymentQueueFilterForm,
    PaymentRejectForm,
    PaymentRequestForm,
)
from grants.models import Application, ApplicationStatus, Award, Disbursement
from core.money import format_eur
from grants.selectors import applications_visible_to, award_year_figures, get_application_for_user
from grants.services.disbursements import (
    callable_now,
    disbursement_book,
    disbursement_cancel,
    disbursement_prepare,
    disbursement_reject,
    disbursement_release,
    disbursement_request,
)
from grants.services.guards import CAPABILITY_REFUSALS
from grants.views.common import apply_domain_error, require
from core import clock

D = Disbursement.Status
PAGE_SIZE = 50
_RELATED = ("award_year__budget", "award_year__award__application__municipality",
            "award_year__award__application__programme", "requested_by", "prepared_by", "released_by", "booked_by")


# -- shared helpers ----------------------------------------------------------------------------


def _handles_payments(user) -> bool:
    return user.can(Capability.PREPARE_PAYMENT) or user.can(Capability.RELEASE_PAYMENT)


def _require_payments(user) -> None:
    """The queue and its actions: Sachbearbeitung or Bewilligung; everyone else 403."""
    if not _handles_payments(user):
        raise PermissionDenied(CAPABILITY_REFUSALS[Capability.PREPARE_PAYMENT])


def _disbursement_for(user, pk) -> Disbursement:
    """The request, or 404 when it does not exist or its application is hidden from the user."""
    try:
        return (Disbursement.objects.select_related(*_RELATED)
                .get(pk=pk, award_year__award__application__in=applications_visible_to(user)))
    except (Disbursement.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Mittelabruf nicht gefunden.")) from None


def _running_award(application: Application) -> Award | None:
    if application.status != ApplicationStatus.APPROVED:
        return None
    return Award.objects.filter(application=application).select_related("application__programme").first()


def year_rows(award: Award, today=None) -> list[dict]:
    """Per year of the award: awarded, called, paid, remaining, and what may be called now and why."""
    today = today or clock.today()
    award_years = {ay.year: ay for ay in award.years.select_related("budget")}
    months = award.application.programme.funds_use_months
    rows = award_year_figures(award)
    for row in rows:
        if award.status == Award.Status.RUNNING:
            row["callable"], row["why"] = callable_now(award_year=award_years[row["year"]], today=today,
                                                       called=row["called"], months=months)
        else:
            row["callable"], row["why"] = None, _("Die Zuwendung ist abgeschlossen.")
    return rows


def actions_for(user, disbursement: Disbursement) -> dict:
    """What this person may do with the request now (buttons to show); the services decide anyway."""
    status = disbursement.status
    prepare = user.can(Capability.PREPARE_PAYMENT)
    release = user.can(Capability.RELEASE_PAYMENT) and status == D.PREPARED
    return {
        "prepare": prepare and status == D.REQUESTED,
        "release": release,
        "four_eyes": release and disbursement.prepared_by_id == user.pk,
        "book": prepare and status == D.RELEASED,
        "reject": prepare and status in (D.REQUESTED, D.PREPARED),
        "cancel": user.can(Capability.APPLY) and status == D.REQUESTED,
    }


def _next_url(request: HttpRequest) -> str | None:
    """Where to return after an action (the queue with its filters, or the application)."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return None


def _back(request: HttpRequest) -> HttpResponse:
    return redirect(_next_url(request) or reverse("grants:payment_queue"))


def _label(disbursement: Disbursement) -> dict:
    return {"amount": format_eur(disbursement.amount), "year": disbursement.award_year.year,
            "body": disbursement.award_year.award.application.municipality.name}


# -- Koordination: Mittelabruf ---------------------------------------------------------------


def payment_request(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator calls funds: budget year, amount, stated need; the page shows per year
    how much may be called now and why."""
    require(request.user, Capability.APPLY)
    application = get_application_for_user(request.user, pk)
    award = _running_award(application)
    if award is None or award.status != Award.Status.RUNNING:
        messages.info(request, _("Für diesen Antrag gibt es keine laufende Zuwendung; Mittel können nicht "
                                 "abgerufen werden."))
        return redirect("grants:application_detail", pk=application.pk)
    rows = year_rows(award)
    form = PaymentRequestForm(request.POST or None, years=[row["year"] for row in rows])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            disbursement = disbursement_request(award=award, year=data["year"], amount=data["amount"],
                                                user=request.user, stated_need=data["stated_need"])
        except BudgetExceeded as error:
            form.add_error("amount", error.message)
        except DomainError as error:
            apply_domain_error(error, form)
        else:
            messages.success(request, _("Der Mittelabruf über %(amount)s für %(year)s ist eingegangen. Das "
                                        "Ministerium prüft ihn und zahlt nach Freigabe aus.") % _label(disbursement))
            return redirect("grants:application_detail", pk=application.pk)
    return render(request, "grants/payment_request.html", {
        "application": application, "award": award, "form": form, "year_rows": rows,
        "funds_use_months": award.application.programme.funds_use_months,
    })


@require_POST
def payment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator withdraws a request not yet prepared."""
    require(request.user, Capability.APPLY)
    disbursement = _disbursement_for(request.user, pk)
    try:
        disbursement_cancel(disbursement=disbursement, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Der Mittelabruf über %(amount)s für %(year)s ist zurückgezogen.")
                         % _label(disbursement))
    return redirect("grants:application_detail", pk=disbursement.award_year.award.application_id)


# -- Ministerium: queue and actions ---------------------------------------------------------------


def payment_queue(request: HttpRequest) -> HttpResponse:
    """Requests by status tab, filtered by body and programme. A fixed number of queries."""
    _require_payments(request.user)
    form = PaymentQueueFilterForm(request.GET or None)
    requests = form.filter(Disbursement.objects.filter(
        award_year__award__application__in=applications_visible_to(request.user)))
    counts = dict(requests.values_list("status").annotate(n=Count("pk")).order_by())
    status = form.current_status
    ordering = ("-requested_at", "-pk") if status in (D.PAID, D.REJECTED) else ("requested_at", "pk")
    rows = requests.filter(status=status).select_related(*_RELATED).order_by(*ordering)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for disbursement in page.object_list:
        disbursement.actions = actions_for(request.user, disbursement)
    tabs = [{"value": s.value, "label": s.label, "count": counts.get(s.value, 0), "active": s == status}
            for s in QUEUE_STATUSES]
    return render(request, "grants/payment_queue.html", {
        "form": form, "tabs": tabs, "status": status, "status_label": D(status).label, "page": page,
        "disbursements": page.object_list, "filtered": form.filtered, "here": request.get_full_path(),
    })


def _action_page(request, disbursement, template, form=None, **extra) -> HttpResponse:
    return render(request, template, {
        "disbursement": disbursement, "application": disbursement.award_year.award.application,
        "year_rows": year_rows(disbursement.award_year.award), "form": form,
        "actions": actions_for(request.user, disbursement), "next": _next_url(request) or "",
        "back_url": _next_url(request) or reverse("grants:payment_queue"), **extra,
    })


def payment_prepare(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the request with the award's figures to check; POST: prepare it for release."""
    require(request.user, Capability.PREPARE_PAYMENT)
    disbursement = _disbursement_for(request.user, pk)
    if request.method == "POST":
        try:
            disbursement_prepare(disbursement=disbursement, user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Die Auszahlung über %(amount)s (%(body)s, %(year)s) ist vorbereitet; "
                                        "eine zweite Person mit Bewilligungsbefugnis gibt sie frei.")
                             % _label(disbursement))
        return _back(request)
    return _action_page(request, disbursement, "grants/payment_prepare.html")


@require_POST
def payment_release(request: HttpRequest, pk: int) -> HttpResponse:
    """Release a prepared payment; the service refuses the preparer and a second release."""
    require(request.user, Capability.RELEASE_PAYMENT)
    disbursement = _disbursement_for(request.user, pk)
    try:
        disbursement_release(disbursement=disbursement, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Die Auszahlung über %(amount)s (%(body)s, %(year)s) ist freigegeben.")
                         % _label(disbursement))
    return _back(request)


def _form_action(request, disbursement, form, action, *, success: str, template: str) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            action(form.cleaned_data)
        except DomainError as error:
            apply_domain_error(error, form)
        else:
            messages.success(request, success % _label(disbursement))
            return _back(request)
    return _action_page(request, disbursement, template, form)


def payment_book(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the payment of a released request: date (today by default) and payment reference."""
    require(request.user, Capability.PREPARE_PAYMENT)
    disbursement = _disbursement_for(request.user, pk)
    form = PaymentBookForm(request.POST or None, initial={"paid_on": clock.today()})
    return _form_action(
        request, disbursement, form,
        lambda data: disbursement_book(disbursement=disbursement, user=request.user, paid_on=data["paid_on"],
                                       payment_reference=data["payment_reference"]),
        success=_("Die Auszahlung über %(amount)s (%(body)s, %(year)s) ist gebucht."),
        template="grants/payment_book.html")


def payment_reject(request: HttpRequest, pk: int) -> HttpResponse:
    """Refuse a request before release, with a reason the coordinator sees."""
    require(request.user, Capability.PREPARE_PAYMENT)
    disbursement = _disbursement_for(request.user, pk)
    form = PaymentRejectForm(request.POST or None)
    return _form_action(
        request, disbursement, form,
        lambda data: disbursement_reject(disbursement=disbursement, user=request.user, reason=data["reason"]),
        success=_("Der Mittelabruf über %(amount)s (%(body)s, %(year)s) ist abgelehnt."),
        template="grants/payment_reject.html")


# -- the panel on the application's detail page -------------------------------------------------


def detail_panel(request: HttpRequest, application: Application) -> dict:
    """Per year awarded / called / paid / remaining / callable now, and the award's requests with
    the buttons the person may use; for everyone who sees an approved application."""
    award = _running_award(application)
    if award is None:
        return {}
    user = request.user
    disbursements = list(Disbursement.objects.filter(award_year__award=award).select_related(*_RELATED)
                         .order_by("-requested_at", "-pk"))
    for disbursement in disbursements:
        disbursement.actions = actions_for(user, disbursement)
    rows = year_rows(award)
    return {
        "panels": ["grants/_payments_panel.html"],
        "payments_years": rows,
        "payments_list": disbursements,
        # Nothing left to call in any year (e.g. a past period, all paid): no button.
        "payments_can_request": (user.can(Capability.APPLY) and award.status == Award.Status.RUNNING
                                 and any(row["remaining"] > 0 for row in rows)),
        "payments_months": award.application.programme.funds_use_months,
        "payments_next": reverse("grants:application_detail", args=[application.pk]),
    }
