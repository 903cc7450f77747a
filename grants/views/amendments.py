"""Änderungsanträge: the coordinator drafts, submits and withdraws a request to change the
binding plan of the own body's running award; the ministry lists the requests, compares the
requested plan with the binding one, asks back, recommends and decides (the approval issues
the Änderungsbescheid).

Every view: capability check, scoped lookup (another body's request is a 404), form, one
service call (grants/services/amendments.py); a refusal is shown beside its field.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Capability
from core.errors import DomainError, FieldErrors
from grants.forms.amendments import (
    AmendmentFilterForm,
    AmendmentForm,
    ApproveForm,
    QuestionsForm,
    RecommendForm,
    RejectForm,
    amendment_grid,
)
from grants.models import AmendmentRequest, Application, ApplicationStatus, Award, AwardYear, Budget
from grants.plan.lines import FinancingSource
from core.money import ZERO, to_money
from grants.plan import codec
from grants.selectors import awarded_by_year, called_by_year, get_application_for_user
from grants.services.amendments import (
    amendment_approve,
    amendment_initial,
    amendment_recommend,
    amendment_reject,
    amendment_save,
    amendment_send_back,
    amendment_submit,
    amendment_withdraw,
    open_request,
    period_ended_refusal,
)
from grants.services.guards import require_award_running
from grants.views.common import apply_domain_error, require
from core import clock

S = AmendmentRequest.Status
PAGE_SIZE = 50
_RELATED = ("award__application__municipality", "award__application__programme", "created_by", "recommended_by",
            "decided_by", "notice", "revision")


# -- scoped lookups ----------------------------------------------------------------------------------


def requests_visible_to(user) -> QuerySet[AmendmentRequest]:
    """Coordinators see their own body's requests; ministry staff every request once it has been
    submitted (a draft is the body's own work until then); others none."""
    queryset = AmendmentRequest.objects.select_related(*_RELATED)
    if user.can(Capability.VIEW_ALL):
        return queryset.filter(submitted_at__isnull=False)
    if user.can(Capability.APPLY):
        return queryset.filter(award__application__municipality_id=user.municipality_id)
    return queryset.none()


def get_request_for_user(user, pk) -> AmendmentRequest:
    """The request, or 404 when it does not exist *or* the user may not see it."""
    try:
        return requests_visible_to(user).get(pk=pk)
    except (AmendmentRequest.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Änderungsantrag nicht gefunden.")) from None


def _award_of(application: Application) -> Award | None:
    if application.status != ApplicationStatus.APPROVED:
        return None
    return Award.objects.filter(application=application).select_related("application__programme").first()


# -- figures ---------------------------------------------------------------------------------------


def _diff_row(label, before: Decimal, after: Decimal) -> dict:
    return {"label": label, "before": before, "after": after, "difference": after - before}


def _amounts(plan: dict) -> tuple[dict, dict]:
    decoded = codec.decode(plan)
    return (defaultdict(lambda: ZERO, decoded.expenditure_amounts()),
            defaultdict(lambda: ZERO, decoded.financing_amounts()))


def _baseline(award: Award, request: AmendmentRequest) -> tuple[dict[int, Decimal], dict, date]:
    """What the request is compared with: the binding state while it is open; for an approved
    request the revision before the one it made; otherwise the revision it was based on."""
    revision = None
    if request.status == S.APPROVED and request.revision_id:
        revision = award.revisions.filter(number=request.revision.number - 1).first()
    elif request.status not in AmendmentRequest.OPEN_STATUSES:
        revision = request.base_revision
    if revision is None:
        return awarded_by_year(award), award.plan_snapshot, award.period_end
    return ({int(year): to_money(amount) for year, amount in revision.amounts.items()}, revision.plan_snapshot,
            revision.period_end)


def comparison(award: Award, request: AmendmentRequest) -> dict:
    """Binding and requested plan side by side: the grant per year, and per year every cost
    category and financing source, each with the difference; totals per category over all years."""
    categories = list(award.application.programme.cost_categories.order_by("position", "name"))
    current_grant, current_plan, current_period_end = _baseline(award, request)
    requested_grant = codec.decode(request.plan).grant_by_year()
    called = called_by_year(award)
    years = sorted(set(current_grant) | set(requested_grant))
    grant_rows = [_diff_row(year, current_grant.get(year, ZERO), requested_grant.get(year, ZERO)) |
                  {"called": called.get(year, ZERO)} for year in years]
    grant_total = _diff_row(_("Summe"), sum(current_grant.values(), ZERO), sum(requested_grant.values(), ZERO))

    exp_before, fin_before = _amounts(current_plan)
    exp_after, fin_after = _amounts(request.plan)
    source_labels = dict(FinancingSource.choices)
    plan_years = []
    for year in years:
        rows = [_diff_row(c.name, exp_before[(year, c.code)], exp_after[(year, c.code)]) for c in categories]
        rows = [row for row in rows if row["before"] or row["after"]]
        financing = [_diff_row(source_labels[s], fin_before[(year, s)], fin_after[(year, s)])
                     for s in FinancingSource.values]
        financing = [row for row in financing if row["before"] or row["after"]]
        plan_years.append({
            "year": year, "expenditures": rows, "financings": financing,
            "expenditure_total": _diff_row(_("Ausgaben gesamt"), sum((r["before"] for r in rows), ZERO),
                                           sum((r["after"] for r in rows), ZERO)),
            "changed": any(r["difference"] for r in rows + financing),
        })
    category_totals = [
        _diff_row(c.name, sum((a for (y, code), a in exp_before.items() if code == c.code), ZERO),
                  sum((a for (y, code), a in exp_after.items() if code == c.code), ZERO))
        for c in categories
    ]
    category_totals = [row for row in category_totals if row["before"] or row["after"]]
    return {"grant_rows": grant_rows, "grant_total": grant_total, "plan_years": plan_years,
            "category_totals": category_totals, "baseline_period_end": current_period_end}


def budget_panel(award: Award, request: AmendmentRequest) -> list[dict]:
    """Per year whose grant the request changes: the budget, what other awards commit, what is
    free for this award, and whether the requested amount fits."""
    current = awarded_by_year(award)
    requested = codec.decode(request.plan).grant_by_year()
    years = sorted(year for year in set(current) | set(requested)
                   if current.get(year, ZERO) != requested.get(year, ZERO))
    budgets = {b.year: b for b in Budget.objects.filter(programme=award.application.programme, year__in=years)}
    others = dict(AwardYear.objects.filter(budget__in=budgets.values()).exclude(award=award)
                  .values_list("budget").annotate(Sum("amount")))
    rows = []
    for year in years:
        budget = budgets.get(year)
        new = requested.get(year, ZERO)
        if budget is None:
            rows.append({"year": year, "budget": None, "others": None, "free": None, "requested": new,
                         "fits": new <= current.get(year, ZERO)})
            continue
        free = budget.amount - others.get(budget.pk, ZERO)
        rows.append({"year": year, "budget": budget.amount, "others": others.get(budget.pk, ZERO), "free": free,
                     "requested": new, "current": current.get(year, ZERO),
                     "fits": new <= current.get(year, ZERO) or new <= free})
    return rows


def revisions(award: Award) -> list[dict]:
    rows = []
    for revision in award.revisions.select_related("created_by").order_by("number"):
        amendment = AmendmentRequest.objects.filter(revision=revision).select_related("notice").first()
        amounts = {int(year): to_money(amount) for year, amount in revision.amounts.items()}
        rows.append({"revision": revision, "total": sum(amounts.values(), ZERO),
                     "amounts": sorted((y, a) for y, a in amounts.items() if a),
                     "amendment": amendment, "notice": amendment.notice if amendment else None})
    return rows


# -- Koordination: the request form --------------------------------------------------------------------


def _awarded_rows(award: Award) -> list[dict]:
    called = called_by_year(award)
    return [{"year": year, "amount": amount, "called": called.get(year, ZERO)}
            for year, amount in sorted(awarded_by_year(award).items())]


def _lines_from_plan(award: Award, plan: dict):
    categories = {c.code: c for c in award.application.programme.cost_categories.all()}
    return codec.decode(plan).lines(categories)


def amendment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Start or continue the award's draft Änderungsantrag; save it, or save and submit."""
    require(request.user, Capability.APPLY)
    application = get_application_for_user(request.user, pk)
    award = _award_of(application)
    if award is None:
        raise Http404(_("Für diesen Antrag gibt es keine Zuwendung."))
    try:
        require_award_running(award)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("grants:application_detail", pk=application.pk)
    if refusal := period_ended_refusal(award, clock.today()):
        messages.error(request, refusal)
        return redirect("grants:application_detail", pk=application.pk)
    draft = open_request(award)
    if draft is not None and draft.status != S.DRAFT:
        messages.info(request, _("Der Änderungsantrag ist eingereicht und wird im Ministerium bearbeitet."))
        return redirect("grants:amendment_detail", pk=draft.pk)

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
            grid = amendment_grid(award, initial=_lines_from_plan(award, draft.plan))
        else:
            period_end, expenditures, financings = amendment_initial(award)
            form = AmendmentForm(initial={"period_end": period_end})
            grid = amendment_grid(award, initial=(expenditures, financings))
    expenditure_rows, financing_rows = grid.rows()
    return render(request, "grants/amendment_form.html", {
        "application": application, "award": award, "programme": application.programme, "draft": draft,
        "form": form, "grid": grid, "expenditure_rows": expenditure_rows, "financing_rows": financing_rows,
        "years": grid.years, "balance_cells": grid.balance_cells(),
        "awarded_rows": _awarded_rows(award), "awarded_total": sum(awarded_by_year(award).values(), ZERO),
    })


@require_POST
def amendment_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Capability.APPLY)
    amendment = get_request_for_user(request.user, pk)
    try:
        amendment_withdraw(request=amendment, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Der Änderungsantrag ist zurückgezogen."))
    return redirect("grants:application_detail", pk=amendment.award.application_id)


# -- Ministerium: queue, detail and actions ------------------------------------------------------------


def amendment_list(request: HttpRequest) -> HttpResponse:
    """Open requests first in the order they came in; filtered by status."""
    require(request.user, Capability.VIEW_ALL)
    form = AmendmentFilterForm(request.GET or None)
    amendments = form.filter(requests_visible_to(request.user)).order_by("submitted_at", "pk")
    page = Paginator(amendments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "grants/amendment_list.html", {
        "form": form, "page": page, "amendments": page.object_list, "filtered": form.filtered,
    })


def _detail_page(request: HttpRequest, amendment: AmendmentRequest, **forms) -> HttpResponse:
    award = amendment.award
    user = request.user
    is_open = amendment.status in AmendmentRequest.OPEN_STATUSES
    running = award.status == Award.Status.RUNNING
    context = {
        "amendment": amendment, "award": award, "application": award.application,
        "is_applicant": user.can(Capability.APPLY),
        "can_review": user.can(Capability.REVIEW) and amendment.status == S.SUBMITTED and running,
        "can_decide": user.can(Capability.DECIDE) and amendment.status in (S.SUBMITTED, S.RECOMMENDED),
        "can_approve": (user.can(Capability.DECIDE) and user.can(Capability.ISSUE_NOTICE)
                        and amendment.status == S.RECOMMENDED and running),
        "four_eyes": amendment.recommended_by_id == user.pk and amendment.status == S.RECOMMENDED,
        "can_edit": user.can(Capability.APPLY) and amendment.status == S.DRAFT and running,
        "can_withdraw": user.can(Capability.APPLY) and is_open,
        "questions_form": forms.get("questions_form") or QuestionsForm(),
        "recommend_form": forms.get("recommend_form") or RecommendForm(),
        "approve_form": forms.get("approve_form") or ApproveForm(),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "revisions": revisions(award),
        **comparison(award, amendment),
    }
    if user.can(Capability.VIEW_ALL):
        context["budget_rows"] = budget_panel(award, amendment) if is_open else []
    return render(request, "grants/amendment_detail.html", context)


def amendment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, get_request_for_user(request.user, pk))


def _action(request: HttpRequest, pk: int, capability: str, form_class, form_name: str, act, success: str):
    """A ministry action: the form's or the rules' refusal stays on the detail page with what
    was typed; a refusal of the state (already decided, four-eyes, budget) is a message."""
    require(request.user, capability)
    amendment = get_request_for_user(request.user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(amendment, form.cleaned_data)
        except FieldErrors as error:
            apply_domain_error(error, form)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("grants:amendment_detail", pk=amendment.pk)
        else:
            messages.success(request, success)
            return redirect("grants:amendment_detail", pk=amendment.pk)
    amendment.refresh_from_db()
    return _detail_page(request, amendment, **{form_name: form})


@require_POST
def amendment_send_back_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(request, pk, Capability.REVIEW, QuestionsForm, "questions_form",
                   lambda a, data: amendment_send_back(request=a, user=request.user, questions=data["questions"]),
                   _("Die Rückfragen sind an die Koordination gesendet; der Antrag ist wieder ein Entwurf."))


@require_POST
def amendment_recommend_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(request, pk, Capability.REVIEW, RecommendForm, "recommend_form",
                   lambda a, data: amendment_recommend(request=a, user=request.user, note=data["note"]),
                   _("Der Änderungsantrag ist zur Bewilligung empfohlen."))


@require_POST
def amendment_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(request, pk, Capability.DECIDE, ApproveForm, "approve_form",
                   lambda a, data: amendment_approve(request=a, user=request.user, note=data["note"]),
                   _("Der Änderungsantrag ist bewilligt; der Änderungsbescheid ist erlassen."))


@require_POST
def amendment_reject_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(request, pk, Capability.DECIDE, RejectForm, "reject_form",
                   lambda a, data: amendment_reject(request=a, user=request.user, reason=data["reason"]),
                   _("Der Änderungsantrag ist abgelehnt."))


# -- the panel on the application's detail page -----------------------------------------------------


def detail_panel(request: HttpRequest, application: Application) -> dict:
    """The award's Änderungsanträge (open and past) and its revisions, with what the person may
    do; for the own body's coordinator and the ministry."""
    user = request.user
    is_coordinator = user.can(Capability.APPLY)
    if not (is_coordinator or user.can(Capability.VIEW_ALL)):
        return {}
    award = _award_of(application)
    if award is None:
        return {}
    amendments = requests_visible_to(user).filter(award=award).order_by("-created_at", "-pk")
    current = open_request(award)
    period_ended = period_ended_refusal(award, clock.today())
    return {
        "panels": ["grants/_amendments_panel.html"],
        "amendment_requests": list(amendments),
        "amendment_revisions": revisions(award),
        "amendment_can_start": (is_coordinator and award.status == Award.Status.RUNNING
                                and period_ended is None and (current is None or current.status == S.DRAFT)),
        "amendment_period_ended": period_ended if award.status == Award.Status.RUNNING else None,
        "amendment_draft": current if current is not None and current.status == S.DRAFT else None,
        "amendment_edit_url": reverse("grants:amendment_edit", args=[application.pk]),
    }
