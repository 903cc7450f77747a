"""Rückforderungen in the browser: proposing one from the check of a proof of use, the
ministry's list and detail page (figures, interest table, stale base-rate warning, issuing
with a preview, discarding, booking repayments), the panel on the application page and the
Basiszinssatz table of the programme administration.

Every view: capability check, scoped lookup (a reclaim of another body is a 404), form, one
service call (grants/services/reclaims.py); a refusal is shown beside its field.
"""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import reauthentication_required
from accounts.roles import Capability
from core import clock
from core.errors import DomainError
from core.formats import format_date, format_decimal
from core.money import ZERO, format_eur
from core.uploads import pdf_download_response
from grants.filters import ReclaimFilterSet
from grants.forms.reclaims import (
    BaseRateForm,
    HearingAnswerForm,
    ReclaimDiscardForm,
    ReclaimIssueForm,
    ReclaimProposeForm,
    RepaymentForm,
)
from grants.interest import SURCHARGE, Balance, BaseRateMissing, interest_for
from grants.lists import export_response, list_context
from grants.lists.columns import RECLAIMS, body_fields
from grants.models import BaseRate, Notice, Reclaim, ReclaimHearing, UsageReport
from grants.models.programmes import FinancingType
from grants.policies import (
    may_reclaim_discard,
    may_reclaim_hearing_answer,
    may_reclaim_hearing_send,
    may_reclaim_issue,
    may_reclaim_propose,
)
from grants.policies.reclaims import hearing_of
from grants.selectors.awards import award_notice_of
from grants.selectors.confirmation import reclaim_issue_confirmation
from grants.selectors.history import reclaim_history
from grants.selectors.reclaims import (
    Suggestion,
    base_rate_table,
    due_date,
    payment_dates,
    reclaim_balance,
    reclaim_suggestion,
    reduced_grant,
    revocation_deadline_warning,
    stale_warning,
)
from grants.selectors.scoping import get_reclaim_for_user, get_usage_report_for_user, reclaims_visible_to
from grants.services.hearings import reclaim_hearing_answer, reclaim_hearing_send
from grants.services.notices import notice_preview
from grants.services.reclaims import (
    base_rate_set,
    reclaim_book_repayment,
    reclaim_discard,
    reclaim_issue,
    reclaim_propose,
)
from grants.views.common import (
    AuthenticatedRequest,
    apply_domain_error,
    paginate,
    pdf_response,
    require,
    run_form_action,
)

RS = Reclaim.Status
PAGE_SIZE = 50


# -- proposing from the check of a proof of use ---------------------------------------------------


def _default_year(report: UsageReport, award):
    years = list(award.years.select_related("budget").order_by("budget__year"))
    if report.kind == UsageReport.Kind.INTERIM:
        return next((y for y in years if y.year == report.year), None)
    paid_years = [y for y in years if payment_dates(y)[1] is not None]
    return paid_years[-1] if paid_years else (years[-1] if years else None)


FT = FinancingType


def _suggestion_steps(s: Suggestion) -> list[tuple[str, str]]:
    """How the suggestion was found for the award's financing type, line by line (label, amount)."""
    eur = format_eur
    steps = [(_("ausgezahlt"), eur(s.paid)),
             (_("Ausgaben laut Nachweis"), eur(s.spent)),
             (_("davon zuwendungsfähig (förderfähige Kostenarten, innerhalb der Obergrenzen)"), eur(s.eligible)),
             (_("bewilligt (Höchstbetrag)"), eur(s.awarded))]
    if s.financing_type == FT.ANTEIL:
        steps.append((_("%(share)s %% der zuwendungsfähigen Ausgaben") % {"share": format_decimal(s.share or ZERO)},
                      eur(s.share_of_eligible)))
    elif s.financing_type in (FT.FEHLBEDARF, FT.VOLL):
        steps += [(_("Eigen- und Drittmittel laut Nachweis"), eur(s.other_financing)),
                  (_("Fehlbedarf: Ausgaben minus Eigen- und Drittmittel"), eur(s.gap))]
    steps.append((_("Zuwendung nach dem Nachweis"), eur(s.funded)))
    if s.already_reclaimed:
        steps.append((_("bereits zurückgefordert"), eur(s.already_reclaimed)))
    steps.append((_("Vorschlag"), eur(s.amount)))
    return steps


def _suggestion_rule(s: Suggestion) -> str:
    if s.financing_type == FT.ANTEIL:
        return _("Anteilfinanzierung: Die Zuwendung beträgt %(share)s %% der tatsächlichen zuwendungsfähigen "
                 "Ausgaben, höchstens den bewilligten Betrag; erstattet wird, was darüber hinaus ausgezahlt wurde.") % {
            "share": format_decimal(s.share or ZERO)}
    if s.financing_type == FT.FEHLBEDARF:
        return _("Fehlbedarfsfinanzierung: Die Zuwendung deckt, was die Eigen- und Drittmittel von den Ausgaben "
                 "ungedeckt lassen – höchstens die zuwendungsfähigen Ausgaben und den bewilligten Betrag. Jede "
                 "Einsparung und jede zusätzliche Einnahme mindert sie in voller Höhe.")
    if s.financing_type == FT.VOLL:
        return _("Vollfinanzierung: Die Zuwendung deckt die zuwendungsfähigen Ausgaben, höchstens den bewilligten "
                 "Betrag; jede Einsparung und jede Einnahme mindert sie in voller Höhe.")
    return _("Festbetragsfinanzierung: Der Festbetrag bleibt, solange die zuwendungsfähigen Ausgaben ihn "
             "erreichen; Einsparungen darüber hinaus und weitere Einnahmen mindern ihn nicht. Erstattet wird nur, "
             "was über die zuwendungsfähigen Ausgaben hinaus ausgezahlt wurde.")


def _suggestion_context(report: UsageReport, award_year) -> dict | None:
    if award_year is None:
        return None
    s = reclaim_suggestion(report, award_year)
    scope = (_("Haushaltsjahr %(year)s") % {"year": award_year.year}
             if report.kind == UsageReport.Kind.INTERIM else _("gesamter Bewilligungszeitraum"))
    capped = report.kind == UsageReport.Kind.FINAL
    return {"suggestion": s, "steps": _suggestion_steps(s), "rule": _suggestion_rule(s), "scope": scope,
            "capped_year": award_year.year if capped else None}


def _principal_help(report: UsageReport, award_year) -> str:
    if award_year is None:
        return ""
    s = reclaim_suggestion(report, award_year)
    return _("Vorschlag nach der Finanzierungsart (%(type)s): %(amount)s; die Berechnung steht unter dem "
             "Formular.") % {"type": FT(s.financing_type).label, "amount": format_eur(s.amount)}


def reclaim_propose_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The clerk closes the check of a submitted proof with a reclaim proposal."""
    require(request.user, Capability.REVIEW)
    report = get_usage_report_for_user(request.user, pk)
    award = report.award
    if may_reclaim_propose(request.user, report) is not None:
        messages.error(request, _("Nur ein eingereichter Nachweis kann mit einer Rückforderung abgeschlossen werden."))
        return redirect("grants:usage_report_check", pk=report.pk)
    default_year = _default_year(report, award)
    if request.method == "POST":
        form = ReclaimProposeForm(request.POST, award=award)
        chosen = form["award_year"].value()
        year_row = award.years.select_related("budget").filter(pk=chosen).first() if str(chosen).isdigit() else None
        shown_year = year_row or default_year
        form.fields["principal"].help_text = _principal_help(report, shown_year)
        if form.is_valid():
            data = form.cleaned_data
            try:
                reclaim = reclaim_propose(
                    report=report, user=request.user, award_year=data["award_year"], ground=data["ground"],
                    principal=data["principal"], reason=data["reason"], interest_from=data["interest_from"],
                    interest_waived=data["interest_waived"], facts_known_on=data["facts_known_on"])
            except DomainError as error:
                apply_domain_error(error, form)
            else:
                messages.success(request, _("Der Nachweis ist angenommen und eine Rückforderung über %(amount)s "
                                            "vorgeschlagen. Eine zweite Person mit Bewilligungsbefugnis setzt sie "
                                            "fest.") % {"amount": format_eur(reclaim.principal)})
                return redirect("grants:reclaim_detail", pk=reclaim.pk)
    else:
        initial = {}
        if default_year is not None:
            suggestion = reclaim_suggestion(report, default_year)
            initial = {"award_year": default_year.pk, "interest_from": payment_dates(default_year)[1]}
            if suggestion.amount > 0:
                initial["principal"] = suggestion.amount
        form = ReclaimProposeForm(initial=initial, award=award, principal_help=_principal_help(report, default_year))
        shown_year = default_year
    return render(request, "grants/reclaim_form.html", {
        "form": form, "report": report, "award": award, "application": award.application,
        "calculation": _suggestion_context(report, shown_year)})


# -- list and detail -------------------------------------------------------------------------------


LIST_COLUMNS = ("status", "principal", "proposed_at", "due_on", *body_fields("award__application"),
                "award_year__budget__year")


def reclaim_list(request: AuthenticatedRequest) -> HttpResponse:
    require(request.user, Capability.VIEW_ALL)
    filterset = ReclaimFilterSet(request.GET, queryset=reclaims_visible_to(request.user))
    # The row's columns only: the scoped queryset joins programme (long legal texts), award (the
    # plan snapshot), proof of use and people for the detail page.
    rows = (filterset.qs.select_related(None).select_related("award__application__municipality", "award_year__budget")
            .only(*LIST_COLUMNS))
    if (exported := export_response(request, RECLAIMS, rows)) is not None:
        return exported
    page = paginate(request, rows, PAGE_SIZE)
    return render(request, "grants/reclaim_list.html", {
        "filterset": filterset, "page": page, "reclaims": page.object_list,
        "perms_manage": request.user.can(Capability.MANAGE_PROGRAMME),
        **list_context(request, RECLAIMS, filterset),
    })


def _detail_context(request, reclaim: Reclaim, *, discard_form=None, repayment_form=None, issue_form=None,
                    answer_form=None) -> dict:
    user = request.user
    today = clock.today()
    rates = base_rate_table()
    due_on = reclaim.due_on
    if due_on is None and reclaim.status == RS.PROPOSED:
        due_on = due_date(reclaim, today)  # if it were issued today
    balance: Balance | None = None
    until_due = None
    interest_problem = None
    try:
        balance = reclaim_balance(reclaim, today)
        if due_on is not None and reclaim.status in (RS.PROPOSED, RS.ISSUED):
            until_due = interest_for(principal=reclaim.principal, start=reclaim.interest_from, end=due_on,
                                     rates=rates, waived=reclaim.interest_waived)
    except BaseRateMissing as error:  # the interest period starts before the table (or an entry was deleted)
        interest_problem = error.message
    furthest = max(today, due_on or today)
    is_ministry = user.can(Capability.VIEW_ALL)
    award_notice = award_notice_of(reclaim.award)
    issue_refusal = may_reclaim_issue(user, reclaim, award_notice=award_notice)
    discard_refusal = may_reclaim_discard(user, reclaim)
    hearing = hearing_of(reclaim)
    hearing_send_refusal = may_reclaim_hearing_send(user, reclaim)
    return {
        "reclaim": reclaim, "application": reclaim.award.application, "award": reclaim.award,
        "balance": balance, "balance_until": today - timedelta(days=1),
        "until_due": until_due, "due_on": due_on,
        "stale_warning": stale_warning(furthest) if not reclaim.interest_waived and is_ministry else None,
        "repayments": balance.repayments if balance is not None else (),
        "interest_problem": interest_problem,
        "is_ministry": is_ministry,
        "issue_refusal": issue_refusal, "discard_refusal": discard_refusal,
        "can_decide": issue_refusal is None or issue_refusal.shown or discard_refusal is None or discard_refusal.shown,
        "award_notice": award_notice,
        "discard_form": discard_form or ReclaimDiscardForm(),
        "issue_form": issue_form or ReclaimIssueForm(initial={"interest_waived": reclaim.interest_waived}),
        "hearing": hearing,
        "hearing_send_refusal": hearing_send_refusal,
        "can_send_hearing": hearing is None and reclaim.status == RS.PROPOSED and is_ministry
        and (hearing_send_refusal is None or hearing_send_refusal.shown),
        "may_answer": not is_ministry and may_reclaim_hearing_answer(user, reclaim) is None,
        "answer_form": answer_form or HearingAnswerForm(),
        "revocation_deadline": reclaim.revocation_deadline,
        "revocation_warning": revocation_deadline_warning(reclaim, today) if is_ministry else None,
        "grant": reduced_grant(reclaim),
        "repayment_form": repayment_form or RepaymentForm(initial={"received_on": today}),
        "history": reclaim_history(reclaim) if is_ministry else [],
    }


def reclaim_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    reclaim = get_reclaim_for_user(request.user, pk)
    return render(request, "grants/reclaim_detail.html", _detail_context(request, reclaim))


def reclaim_preview(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The Rückforderungsbescheid as it would be issued today, marked ENTWURF; nothing stored."""
    require(request.user, Capability.ISSUE_NOTICE)
    reclaim = get_reclaim_for_user(request.user, pk)
    try:
        pdf = notice_preview(application=reclaim.award.application, kind=Notice.Kind.RECLAIM, user=request.user,
                             refers_to=award_notice_of(reclaim.award), reclaim=reclaim)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("grants:reclaim_detail", pk=reclaim.pk)
    response = pdf_response(pdf, f"Entwurf_Rueckforderungsbescheid_{reclaim.award.application.file_reference}.pdf",
                            as_attachment=False)
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_http_methods(["GET", "POST"])
@reauthentication_required(return_to=lambda request, pk: reverse("grants:reclaim_detail", args=[pk]))
def reclaim_issue_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Festsetzen with the weighing of the hearing and the decision on interest, in two steps: the
    reclaim page's form (or a GET) shows the confirmation with the summary and the typed values;
    only its POST (`bestaetigt`) fixes the reclaim and issues the notice."""
    require(request.user, Capability.ISSUE_NOTICE)
    reclaim = get_reclaim_for_user(request.user, pk)
    form = ReclaimIssueForm(request.POST or None, initial={"interest_waived": reclaim.interest_waived})
    detail_url = reverse("grants:reclaim_detail", args=[reclaim.pk])
    if request.method == "POST" and request.POST.get("bestaetigt") == "1":

        def success() -> str:
            reclaim.refresh_from_db()
            assert reclaim.notice is not None  # issued: it has its notice
            return (_("Der Rückforderungsbescheid %(number)s ist erlassen; zu zahlen bis %(date)s.")
                    % {"number": reclaim.notice.number, "date": format_date(reclaim.due_on)})

        done = run_form_action(
            request, form, lambda data: reclaim_issue(
                reclaim=reclaim, user=request.user, weighing=data["weighing"],
                interest_waived=data["interest_waived"], interest_waiver_reason=data["interest_waiver_reason"]),
            success=success, next_url=detail_url, refused_url=detail_url)
        if done:
            return done
    elif request.method == "POST" and not form.is_valid():
        return render(request, "grants/reclaim_detail.html", _detail_context(request, reclaim, issue_form=form))
    refusal = may_reclaim_issue(request.user, reclaim, award_notice=award_notice_of(reclaim.award))
    due_on = reclaim.due_on or due_date(reclaim, clock.today())
    return render(request, "grants/reclaim_issue.html", {
        "reclaim": reclaim, "application": reclaim.award.application, "form": form, "refusal": refusal,
        "confirmation": reclaim_issue_confirmation(reclaim, due_on=due_on), "back_url": detail_url})


# -- the hearing (§ 28 HVwVfG) ------------------------------------------------------------------------


@require_POST
def reclaim_hearing_send_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, Capability.REVIEW)
    reclaim = get_reclaim_for_user(request.user, pk)
    try:
        hearing = reclaim_hearing_send(reclaim=reclaim, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Das Anhörungsschreiben vom %(date)s ist versandt; die Frist zur Äußerung läuft "
                                    "bis %(due)s. Die Koordination ist per E-Mail benachrichtigt.")
                         % {"date": format_date(hearing.letter_date), "due": format_date(hearing.reply_due)})
    return redirect("grants:reclaim_detail", pk=reclaim.pk)


def _hearing_or_404(reclaim: Reclaim):
    hearing = hearing_of(reclaim)
    if hearing is None:
        raise Http404(_("Zu dieser Rückforderung gibt es keine Anhörung."))
    return hearing


def reclaim_hearing_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The Anhörungsschreiben as sent, for the ministry and the heard body."""
    reclaim = get_reclaim_for_user(request.user, pk)
    hearing = _hearing_or_404(reclaim)
    response = pdf_response(hearing.pdf, f"Anhoerung_{reclaim.award.application.file_reference}_"
                            f"{hearing.letter_date:%Y-%m-%d}.pdf", as_attachment=True)
    patch_cache_control(response, private=True, no_store=True)
    return response


def reclaim_hearing_answer_pdf(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    reclaim = get_reclaim_for_user(request.user, pk)
    hearing = _hearing_or_404(reclaim)
    if not hearing.answer_pdf_sha256:
        raise Http404(_("Der Stellungnahme ist kein PDF beigefügt."))
    try:
        handle = hearing.answer_pdf.open("rb")
    except FileNotFoundError:
        raise Http404(_("Die Datei ist nicht mehr vorhanden.")) from None
    return pdf_download_response(handle, hearing.answer_pdf_name, "stellungnahme.pdf")


@require_POST
def reclaim_hearing_answer_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The body's coordinator answers; another body's coordinator gets a 404 (scoped lookup)."""
    require(request.user, Capability.APPLY)
    reclaim = get_reclaim_for_user(request.user, pk)
    form = HearingAnswerForm(request.POST, request.FILES)
    detail_url = reverse("grants:reclaim_detail", args=[reclaim.pk])

    def answer(data) -> None:
        upload = data.get("pdf")
        reclaim_hearing_answer(reclaim=reclaim, user=request.user, text=data["text"],
                               pdf_name=upload.name if upload else "", pdf_content=upload.read() if upload else b"")

    def success() -> str:
        hearing = ReclaimHearing.objects.get(reclaim=reclaim)
        if hearing.answer_late:
            return _("Ihre Stellungnahme ist eingegangen – nach Ablauf der Frist am %(due)s; sie wird berücksichtigt, "
                     "soweit noch nicht entschieden ist.") % {"due": format_date(hearing.reply_due)}
        return _("Ihre Stellungnahme ist eingegangen und wird vor der Entscheidung berücksichtigt.")

    done = run_form_action(request, form, answer, success=success, next_url=detail_url, refused_url=detail_url)
    return done or render(request, "grants/reclaim_detail.html", _detail_context(request, reclaim, answer_form=form))


@require_POST
def reclaim_discard_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, Capability.ISSUE_NOTICE)
    reclaim = get_reclaim_for_user(request.user, pk)
    form = ReclaimDiscardForm(request.POST)
    detail_url = reverse("grants:reclaim_detail", args=[reclaim.pk])
    done = run_form_action(
        request, form, lambda data: reclaim_discard(reclaim=reclaim, user=request.user, reason=data["reason"]),
        success=_("Die Rückforderung ist verworfen."), next_url=detail_url, refused_url=detail_url)
    return done or render(request, "grants/reclaim_detail.html", _detail_context(request, reclaim, discard_form=form))


@require_POST
def reclaim_repayment_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    require(request.user, Capability.PREPARE_PAYMENT)
    reclaim = get_reclaim_for_user(request.user, pk)
    form = RepaymentForm(request.POST)
    detail_url = reverse("grants:reclaim_detail", args=[reclaim.pk])

    def success() -> str:
        reclaim.refresh_from_db()
        if reclaim.status == RS.SETTLED:
            return _("Die Rückzahlung ist gebucht; die Rückforderung ist vollständig bezahlt und damit erledigt.")
        return _("Die Rückzahlung über %(amount)s ist gebucht.") % {"amount": format_eur(form.cleaned_data["amount"])}

    done = run_form_action(
        request, form, lambda data: reclaim_book_repayment(reclaim=reclaim, user=request.user,
                                                           received_on=data["received_on"], amount=data["amount"],
                                                           reference=data["reference"]),
        success=success, next_url=detail_url, refused_url=detail_url)
    return done or render(request, "grants/reclaim_detail.html", _detail_context(request, reclaim, repayment_form=form))


# -- Basiszinssatz ---------------------------------------------------------------------------------


def base_rate_list(request: AuthenticatedRequest) -> HttpResponse:
    """The table and, for the programme administration, a form to add or correct an entry."""
    require(request.user, Capability.MANAGE_PROGRAMME)
    form = BaseRateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = base_rate_set(user=request.user, valid_from=data["valid_from"], rate=data["rate"],
                                  source=data["source"])
        except DomainError as error:
            apply_domain_error(error, form)
        else:
            messages.success(request, _("Der Basiszinssatz ab %(date)s ist mit %(rate)s %% erfasst.")
                             % {"date": format_date(entry.valid_from), "rate": format_decimal(entry.rate, 2)})
            return redirect("grants:base_rate_list")
    entries = list(BaseRate.objects.select_related("created_by").order_by("-valid_from"))
    return render(request, "grants/base_rate_list.html", {
        "form": form, "entries": [(entry, entry.rate + SURCHARGE) for entry in entries],
        "stale_warning": stale_warning(clock.today() + timedelta(days=1)) if entries else None,
    })
