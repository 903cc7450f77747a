"""Several payments at once from the payments queue: the selection (checkboxes) leads to a
confirmation page that lists each payment with body, year and amount and the sum; confirming
runs each payment through its single service (grants/services/bulk_payments.py).

A payment that cannot be processed is named with its reason – on the confirmation page already
where the rules refuse it now, and after confirming where its state changed in between – while
the others go through. Releasing asks for the re-authentication the single release asks for.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.decorators import reauthentication_required
from core import clock
from core.errors import DomainError, FieldErrors
from core.money import ZERO, format_eur
from grants.forms.payments import PaymentBookForm
from grants.models import Disbursement
from grants.selectors.awards import mark_award_notices
from grants.selectors.scoping import DISBURSEMENT_RELATED, disbursements_visible_to
from grants.services.bulk_payments import (
    BULK_ACTIONS,
    MAX_SELECTION,
    BulkAction,
    BulkOutcome,
    bulk_total,
    disbursements_bulk,
)
from grants.views.common import AuthenticatedRequest, apply_domain_error, require

SELECTION = "auswahl"  # the name of the checkboxes in the queue and of the hidden fields here


class BulkBookForm(PaymentBookForm):
    """One booking date and one Buchungszeichen for every payment of the selection."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payment_reference"].help_text = gettext_lazy(
            "z. B. die Nummer des Kontoauszugs oder der Sammelbuchung der Landeshauptkasse; "
            "sie wird bei jeder Zahlung gespeichert")


def _queue_url(action: BulkAction) -> str:
    return f"{reverse('grants:payment_queue')}?{urlencode({'status': action.status})}"


def _selected_ids(values: list[str]) -> list[int]:
    return sorted({int(value) for value in values if value.isdigit() and len(value) < 10})


def label(disbursement: Disbursement) -> str:
    """`Werra-Meißner-Kreis, 2026, 40.000,00 € (WIR-26-0001)`: how a payment is named in a report."""
    application = disbursement.award_year.award.application
    return _("%(body)s, %(year)s, %(amount)s (%(reference)s)") % {
        "body": application.municipality.display_name, "year": disbursement.award_year.year,
        "amount": format_eur(disbursement.amount), "reference": application.file_reference}


def _report(request: AuthenticatedRequest, action: BulkAction, outcomes: list[BulkOutcome]) -> None:
    done = [outcome for outcome in outcomes if outcome.done]
    refused = [outcome for outcome in outcomes if not outcome.done]
    if done:
        messages.success(request, ngettext(
            "%(count)s Zahlung %(done)s, zusammen %(total)s.", "%(count)s Zahlungen %(done)s, zusammen %(total)s.",
            len(done)) % {"count": len(done), "done": action.done, "total": format_eur(bulk_total(done))})
    # Beside a success a warning (the rest went through: sending the form again does nothing twice);
    # alone an error.
    report = messages.warning if done else messages.error
    for outcome in refused:
        report(request, _("Nicht %(done)s: %(payment)s – %(reason)s") % {
            "done": action.done, "payment": label(outcome.disbursement), "reason": outcome.refusal})


def _bulk(request: AuthenticatedRequest, action: BulkAction) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    ids = _selected_ids(data.getlist(SELECTION))
    if not ids:
        messages.error(request, _("Bitte wählen Sie mindestens einen Mittelabruf aus."))
        return redirect(_queue_url(action))
    if len(ids) > MAX_SELECTION:
        messages.error(request, _("Bitte wählen Sie höchstens %(max)s Mittelabrufe auf einmal.") % {
            "max": MAX_SELECTION})
        return redirect(_queue_url(action))
    selected = list(disbursements_visible_to(request.user).filter(pk__in=ids)
                    .select_related(*DISBURSEMENT_RELATED).defer("award_year__award__plan_snapshot").order_by("pk"))
    form = BulkBookForm(request.POST or None, initial={"paid_on": clock.today()}) if action.key == "buchen" else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            outcomes = disbursements_bulk(action=action, disbursements=selected, user=request.user,
                                          **(form.cleaned_data if form is not None else {}))
        except FieldErrors as error:
            apply_domain_error(error, form, request=request)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(_queue_url(action))
        else:
            _report(request, action, outcomes)
            return redirect(_queue_url(action))
    # The confirmation: each payment with what the rules say about it now.
    mark_award_notices([d.award_year.award for d in selected])
    rows = [{"d": d, "refusal": action.policy(request.user, d)} for d in selected]
    going = [row["d"] for row in rows if row["refusal"] is None]
    return render(request, "grants/payment_bulk.html", {
        "action": action, "rows": rows, "form": form, "going": going,
        "going_total": sum((d.amount for d in going), ZERO), "missing": len(ids) - len(selected),
        "back_url": _queue_url(action), "selection_name": SELECTION,
    }, status=400 if form is not None and form.is_bound and not form.is_valid() else 200)


def payment_bulk(request: AuthenticatedRequest, action: str) -> HttpResponse:
    """GET: the confirmation of the selected payments; POST: each through its service."""
    bulk = BULK_ACTIONS.get(action)
    if bulk is None:
        raise Http404(_("Diese Sammelaktion gibt es nicht."))
    require(request.user, bulk.capability)
    if bulk.reauthenticate:
        return reauthentication_required(return_to=lambda request, bulk: _queue_url(bulk))(_bulk)(request, bulk)
    return _bulk(request, bulk)
