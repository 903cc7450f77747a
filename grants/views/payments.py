"""Mittelabruf and Auszahlung: the coordinator calls funds of the own award; the ministry
checks and prepares, releases (four-eyes), books or rejects from its payments queue.

Every action: capability check, scoped lookup, form, one service call (grants/services/
disbursements.py); a refusal is shown beside the field or as a message, never as a server
error. Which buttons a person sees is asked of grants/policies/payments.py, as the services do.
"""

from django.contrib import messages
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import reauthentication_required
from accounts.roles import Capability
from core import clock
from core.errors import BudgetExceeded, DomainError
from core.money import format_eur
from grants.filters import PAYMENT_QUEUE_STATUSES, PaymentQueueFilterSet
from grants.forms.payments import PaymentBookForm, PaymentRejectForm, PaymentRequestForm
from grants.lists import export_response, list_context
from grants.lists.columns import PAYMENTS
from grants.models import Disbursement
from grants.policies import may_payments_view
from grants.policies.payments import may_disbursement_release, refuse_before_notice
from grants.selectors.awards import mark_award_notices
from grants.selectors.confirmation import book_confirmation, payment_reject_confirmation, release_confirmation
from grants.selectors.lists import award_long_texts
from grants.selectors.payments import payment_year_rows
from grants.selectors.scoping import (
    award_of,
    disbursements_visible_to,
    get_application_for_user,
    get_disbursement_for_user,
)
from grants.services.bulk_payments import bulk_action_for
from grants.services.disbursements import (
    disbursement_book,
    disbursement_cancel,
    disbursement_prepare,
    disbursement_reject,
    disbursement_release,
    disbursement_request,
)
from grants.views.common import (
    AuthenticatedRequest,
    apply_domain_error,
    confirm_page,
    forbid,
    paginate,
    post_action,
    require,
    run_form_action,
    safe_next,
)

D = Disbursement.Status
PAGE_SIZE = 25  # each row carries its actions (five policy checks): a short page stays fast


def _back_url(request: AuthenticatedRequest) -> str:
    return safe_next(request) or reverse("grants:payment_queue")


def _label(disbursement: Disbursement) -> dict:
    return {"amount": format_eur(disbursement.amount), "year": disbursement.award_year.year,
            "body": disbursement.award_year.award.application.municipality.display_name}


# -- Koordination: Mittelabruf ---------------------------------------------------------------


def payment_request(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The coordinator calls funds: budget year, amount, stated need; the page shows per year
    how much may be called now and why."""
    require(request.user, Capability.APPLY)
    application = get_application_for_user(request.user, pk)
    award = award_of(application)
    if award is None or award.is_closed:
        messages.info(request, _("Für diesen Antrag gibt es keine laufende Zuwendung; Mittel können nicht "
                                 "abgerufen werden."))
        return redirect("grants:application_detail", pk=application.pk)
    if (refusal := refuse_before_notice(award)) is not None:
        # No money before the notice: the application page says why and links to the notices.
        messages.error(request, refusal.reason)
        return redirect(reverse("grants:application_detail", args=[application.pk]) + "#bescheide")
    rows = payment_year_rows(award)
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
def payment_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The coordinator withdraws a request not yet prepared."""
    require(request.user, Capability.APPLY)
    disbursement = get_disbursement_for_user(request.user, pk)
    return post_action(
        request, lambda: disbursement_cancel(disbursement=disbursement, user=request.user),
        success=_("Der Mittelabruf über %(amount)s für %(year)s ist zurückgezogen.") % _label(disbursement),
        next_url=reverse("grants:application_detail", args=[disbursement.award_year.award.application_id]))


# -- Ministerium: queue and actions ---------------------------------------------------------------


def payment_queue(request: AuthenticatedRequest) -> HttpResponse:
    """Requests by status tab, searched, filtered by body and programme, sorted by any column (the
    request waiting longest first); or their export. A fixed number of queries."""
    forbid(may_payments_view(request.user))
    filterset = PaymentQueueFilterSet(request.GET, queryset=disbursements_visible_to(request.user), request=request)
    requests = filterset.qs
    # COUNT(*), not COUNT(id): PostgreSQL reads the status index alone (paid requests only grow).
    counts = dict(requests.values_list("status").annotate(n=Count("*")).order_by())
    status = filterset.value("status")
    order = requests.filter(status=status)
    if status in (D.PAID, D.REJECTED) and not filterset.value("sort"):
        order = order.order_by("-requested_at", "-pk")  # done: the newest first
    order = order.values_list("pk", flat=True)
    # What the rows, their buttons and the export read: award, application, programme, body and the
    # preparer – not the other three people, nor the award's plan and the long texts (decoding a
    # plan per row cost time).
    rows = (requests.select_related(None)
            .select_related("award_year__budget", "award_year__award__application__municipality",
                            "award_year__award__application__programme", "prepared_by")
            .defer(*award_long_texts("award_year__award__")))
    if (exported := export_response(request, PAYMENTS, order, rows=rows)) is not None:
        return exported
    page = paginate(request, order, PAGE_SIZE, rows=rows)
    # Whether each award's Zuwendungsbescheid exists, in one query (the buttons ask per row).
    mark_award_notices([d.award_year.award for d in page.object_list])
    tabs = [{"value": s.value, "label": s.label, "count": counts.get(s.value, 0), "active": s == status}
            for s in PAYMENT_QUEUE_STATUSES]
    return render(request, "grants/payment_queue.html", {
        "filterset": filterset, "tabs": tabs, "status": status, "status_label": D(status).label, "page": page,
        "disbursements": page.object_list, "here": request.get_full_path(),
        "bulk": bulk_action_for(request.user, status),
        **list_context(request, PAYMENTS, filterset),
    })


def _action_page(request, disbursement, template, form=None, **extra) -> HttpResponse:
    return render(request, template, {
        "disbursement": disbursement, "d": disbursement, "application": disbursement.award_year.award.application,
        "year_rows": payment_year_rows(disbursement.award_year.award), "form": form,
        "next": safe_next(request) or "", "back_url": _back_url(request), **extra,
    })


def payment_prepare(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """GET: the request with the award's figures to check; POST: prepare it for release."""
    require(request.user, Capability.PREPARE_PAYMENT)
    disbursement = get_disbursement_for_user(request.user, pk)
    if request.method == "POST":
        return post_action(
            request, lambda: disbursement_prepare(disbursement=disbursement, user=request.user),
            success=_("Die Auszahlung über %(amount)s (%(body)s, %(year)s) ist vorbereitet; eine zweite Person mit "
                      "Bewilligungsbefugnis gibt sie frei.") % _label(disbursement),
            next_url=_back_url(request))
    return _action_page(request, disbursement, "grants/payment_prepare.html")


@require_http_methods(["GET", "POST"])
@reauthentication_required(return_to=lambda request, pk: reverse("grants:payment_release", args=[pk]))
def payment_release(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """GET: the confirmation with the payment's summary (the queue's button leads here); POST from
    it: release. The service refuses the preparer (four eyes) and a second release."""
    require(request.user, Capability.RELEASE_PAYMENT)
    disbursement = get_disbursement_for_user(request.user, pk)
    if request.method == "POST":
        return post_action(
            request, lambda: disbursement_release(disbursement=disbursement, user=request.user),
            success=_("Die Auszahlung über %(amount)s (%(body)s, %(year)s) ist freigegeben.") % _label(disbursement),
            next_url=_back_url(request))
    refusal = may_disbursement_release(request.user, disbursement)
    return confirm_page(
        request, release_confirmation(disbursement), refusal=refusal,
        confirm_label=_("Auszahlung verbindlich freigeben"), confirm_class="btn-success",
        back_url=_back_url(request), back_label=_("Auszahlungen"),
        application=disbursement.award_year.award.application)


def payment_book(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record the payment of a released request: date (today by default) and payment reference."""
    require(request.user, Capability.PREPARE_PAYMENT)
    disbursement = get_disbursement_for_user(request.user, pk)
    form = PaymentBookForm(request.POST or None, initial={"paid_on": clock.today()})
    done = run_form_action(
        request, form,
        lambda data: disbursement_book(disbursement=disbursement, user=request.user, paid_on=data["paid_on"],
                                       payment_reference=data["payment_reference"]),
        success=_("Die Auszahlung über %(amount)s (%(body)s, %(year)s) ist gebucht.") % _label(disbursement),
        next_url=_back_url(request))
    return done or _action_page(request, disbursement, "grants/payment_book.html", form,
                                confirmation=book_confirmation(disbursement))


def payment_reject(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Refuse a request before release, with a reason the coordinator sees."""
    require(request.user, Capability.PREPARE_PAYMENT)
    disbursement = get_disbursement_for_user(request.user, pk)
    form = PaymentRejectForm(request.POST or None)
    done = run_form_action(
        request, form,
        lambda data: disbursement_reject(disbursement=disbursement, user=request.user, reason=data["reason"]),
        success=_("Der Mittelabruf über %(amount)s (%(body)s, %(year)s) ist abgelehnt.") % _label(disbursement),
        next_url=_back_url(request))
    return done or _action_page(request, disbursement, "grants/payment_reject.html", form,
                                confirmation=payment_reject_confirmation(disbursement))
