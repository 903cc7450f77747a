"""Änderungsanträge: the coordinator drafts, submits and withdraws a request to change the
binding plan of the own body's running award; the ministry lists the requests, compares the
requested plan with the binding one, asks back, recommends and decides (the approval issues
the Änderungsbescheid).

Every view: capability check, scoped lookup (another body's request is a 404), form, one
service call (grants/services/amendments.py); a refusal is shown beside its field. What a
person may do is asked of grants/policies/amendments.py; the figures of
grants/selectors/amendments.py.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import reauthentication_required
from accounts.roles import Capability
from core.errors import DomainError
from core.money import ZERO
from grants.filters import AmendmentFilterSet
from grants.forms.amendments import (
    AmendmentForm,
    ApproveForm,
    QuestionsForm,
    RecommendForm,
    RejectForm,
    amendment_grid,
)
from grants.lists import export_response, list_context
from grants.lists.columns import AMENDMENTS
from grants.models import AmendmentRequest
from grants.policies import (
    may_amendment_approve,
    may_amendment_edit,
    may_amendment_recommend,
    may_amendment_reject,
    may_amendment_send_back,
    may_amendment_withdraw,
)
from grants.selectors.amendments import (
    amendment_initial,
    awarded_rows,
    budget_panel,
    comparison,
    open_request,
    plan_lines_of,
)
from grants.selectors.awards import awarded_by_year, revisions
from grants.selectors.confirmation import amendment_approve_confirmation
from grants.selectors.scoping import amendments_visible_to, award_of, get_amendment_for_user, get_application_for_user
from grants.services.amendments import (
    amendment_approve,
    amendment_recommend,
    amendment_reject,
    amendment_save,
    amendment_send_back,
    amendment_submit,
    amendment_withdraw,
)
from grants.views.common import (
    AuthenticatedRequest,
    apply_domain_error,
    confirm_page,
    paginate,
    post_action,
    require,
    run_form_action,
)

S = AmendmentRequest.Status
PAGE_SIZE = 50


# -- Koordination: the request form --------------------------------------------------------------------


def amendment_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Start or continue the award's draft Änderungsantrag; save it, or save and submit."""
    require(request.user, Capability.APPLY)
    application = get_application_for_user(request.user, pk)
    award = award_of(application)
    if award is None:
        raise Http404(_("Für diesen Antrag gibt es keine Zuwendung."))
    draft = open_request(award)
    if draft is not None and draft.status != S.DRAFT:
        messages.info(request, _("Der Änderungsantrag ist eingereicht und wird im Ministerium bearbeitet."))
        return redirect("grants:amendment_detail", pk=draft.pk)
    if refusal := may_amendment_edit(request.user, award, request=draft):
        messages.error(request, refusal.reason)
        return redirect("grants:application_detail", pk=application.pk)

    if request.method == "POST":
        form = AmendmentForm(request.POST)
        grid = amendment_grid(award, request.POST)
        if form.is_valid() & grid.is_valid():
            expenditures, financings = grid.lines()
            try:
                draft = amendment_save(award=award, user=request.user, period_end=form.cleaned_data["period_end"],
                                       expenditures=expenditures, financings=financings,
                                       reason=form.cleaned_data["reason"])
            except DomainError as error:
                apply_domain_error(error, form, grid)
            else:
                if "submit" not in request.POST:
                    messages.success(request, _("Der Entwurf des Änderungsantrags ist gespeichert."))
                    return redirect("grants:amendment_edit", pk=application.pk)
                try:
                    amendment_submit(request=draft, user=request.user)
                except DomainError as error:
                    messages.warning(request, _("Der Entwurf ist gespeichert, aber noch nicht eingereicht. Bitte "
                                                "die markierten Angaben ergänzen."))
                    apply_domain_error(error, form, grid)
                else:
                    messages.success(request, _("Der Änderungsantrag ist eingereicht. Das Ministerium prüft ihn."))
                    return redirect("grants:amendment_detail", pk=draft.pk)
    else:
        if draft is not None:
            form = AmendmentForm(initial={"period_end": draft.period_end, "reason": draft.reason})
            grid = amendment_grid(award, initial=plan_lines_of(award, draft.plan))
        else:
            period_end, expenditures, financings = amendment_initial(award)
            form = AmendmentForm(initial={"period_end": period_end})
            grid = amendment_grid(award, initial=(expenditures, financings))
    expenditure_rows, financing_rows = grid.rows()
    return render(request, "grants/amendment_form.html", {
        "application": application, "award": award, "programme": application.programme, "draft": draft,
        "form": form, "grid": grid, "expenditure_rows": expenditure_rows, "financing_rows": financing_rows,
        "years": grid.years, "balance_cells": grid.balance_cells(),
        "awarded_rows": awarded_rows(award), "awarded_total": sum(awarded_by_year(award).values(), ZERO),
    })


@require_POST
def amendment_withdraw_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, Capability.APPLY)
    amendment = get_amendment_for_user(request.user, pk)
    return post_action(request, lambda: amendment_withdraw(request=amendment, user=request.user),
                       success=_("Der Änderungsantrag ist zurückgezogen."),
                       next_url=reverse("grants:application_detail", args=[amendment.award.application_id]))


# -- Ministerium: queue, detail and actions ------------------------------------------------------------


def amendment_list(request: AuthenticatedRequest) -> HttpResponse:
    """Open requests first in the order they came in (or sorted by any column); searched,
    filtered by status, programme period and body; or their export."""
    require(request.user, Capability.VIEW_ALL)
    filterset = AmendmentFilterSet(request.GET, queryset=amendments_visible_to(request.user))
    if (exported := export_response(request, AMENDMENTS, filterset.qs)) is not None:
        return exported
    page = paginate(request, filterset.qs, PAGE_SIZE)
    return render(request, "grants/amendment_list.html", {
        "filterset": filterset, "page": page, "amendments": page.object_list,
        **list_context(request, AMENDMENTS, filterset),
    })


def _detail_page(request: AuthenticatedRequest, amendment: AmendmentRequest, **forms) -> HttpResponse:
    award = amendment.award
    user = request.user
    refusals = {
        "recommend": may_amendment_recommend(user, amendment),
        "send_back": may_amendment_send_back(user, amendment),
        "approve": may_amendment_approve(user, amendment),
        "reject": may_amendment_reject(user, amendment),
    }
    # Shown with its reason beside the decision (four eyes, no Zuwendungsbescheid yet).
    shown = next((r for r in (refusals["approve"], refusals["reject"]) if r is not None and r.shown), None)
    context = {
        "amendment": amendment, "award": award, "application": award.application,
        "is_applicant": user.can(Capability.APPLY),
        "refusals": refusals, "decision_refusal": shown,
        "can_act": shown is not None or any(refusal is None for refusal in refusals.values()),
        "can_edit": may_amendment_edit(user, award, request=amendment) is None,
        "can_withdraw": may_amendment_withdraw(user, amendment) is None,
        "questions_form": forms.get("questions_form") or QuestionsForm(),
        "recommend_form": forms.get("recommend_form") or RecommendForm(),
        "approve_form": forms.get("approve_form") or ApproveForm(),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "revisions": revisions(award),
        **comparison(award, amendment),
    }
    if user.can(Capability.VIEW_ALL):
        context["budget_rows"] = budget_panel(award, amendment) if amendment.status in AmendmentRequest.OPEN_STATUSES \
            else []
    return render(request, "grants/amendment_detail.html", context)


def amendment_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _detail_page(request, get_amendment_for_user(request.user, pk))


def _action(request: AuthenticatedRequest, pk: int, capability: str, form_class, form_name: str, act, success: str):
    """A ministry action: the form's or the rules' refusal stays on the detail page with what
    was typed; a refusal of the state (already decided, four-eyes, budget) is a message."""
    require(request.user, capability)
    amendment = get_amendment_for_user(request.user, pk)
    form = form_class(request.POST)
    detail_url = reverse("grants:amendment_detail", args=[amendment.pk])
    done = run_form_action(request, form, lambda data: act(amendment, data), success=success,
                           next_url=detail_url, refused_url=detail_url)
    if done:
        return done
    amendment.refresh_from_db()
    return _detail_page(request, amendment, **{form_name: form})


@require_POST
def amendment_send_back_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _action(request, pk, Capability.REVIEW, QuestionsForm, "questions_form",
                   lambda a, data: amendment_send_back(request=a, user=request.user, questions=data["questions"]),
                   _("Die Rückfragen sind an die Koordination gesendet; der Antrag ist wieder ein Entwurf."))


@require_POST
def amendment_recommend_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _action(request, pk, Capability.REVIEW, RecommendForm, "recommend_form",
                   lambda a, data: amendment_recommend(request=a, user=request.user, note=data["note"]),
                   _("Der Änderungsantrag ist zur Bewilligung empfohlen."))


@require_POST
@reauthentication_required(return_to=lambda request, pk: reverse("grants:amendment_detail", args=[pk]))
def amendment_approve_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Two steps: the detail page's form shows the confirmation with the summary and the note as
    typed; only its POST (`bestaetigt`) approves and issues the Änderungsbescheid."""
    if request.POST.get("bestaetigt") != "1":
        require(request.user, Capability.DECIDE)
        amendment = get_amendment_for_user(request.user, pk)
        form = ApproveForm(request.POST)
        if not form.is_valid():
            return _detail_page(request, amendment, approve_form=form)
        detail_url = reverse("grants:amendment_detail", args=[amendment.pk])
        return confirm_page(
            request, amendment_approve_confirmation(amendment), refusal=may_amendment_approve(request.user, amendment),
            template="grants/amendment_approve.html", confirm_label=_("Verbindlich bewilligen und Bescheid erlassen"),
            confirm_class="btn-success", back_url=detail_url, back_label=_("Änderungsantrag"), form=form,
            busy=_("Änderungsbescheid wird erzeugt …"), application=amendment.award.application)
    return _action(request, pk, Capability.DECIDE, ApproveForm, "approve_form",
                   lambda a, data: amendment_approve(request=a, user=request.user, note=data["note"]),
                   _("Der Änderungsantrag ist bewilligt; der Änderungsbescheid ist erlassen."))


@require_POST
def amendment_reject_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _action(request, pk, Capability.DECIDE, RejectForm, "reject_form",
                   lambda a, data: amendment_reject(request=a, user=request.user, reason=data["reason"]),
                   _("Der Änderungsantrag ist abgelehnt."))
