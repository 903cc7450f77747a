"""A closed award (Abgeschlossen) is read-only everywhere: every service that issues a notice or
changes anything of the award refuses with the one sentence of `refuse_closed`, and writes
nothing – no notice, no number drawn, no audit entry, no status changed.

The starting point is the reclaim scenario (tests/grants/reclaim_fixtures.py: award 2021–2025
with its Zuwendungsbescheid, 20.000,00 € of 2023 paid, the interim proof 2023 submitted and a
reclaim proposed from it) with one of everything still open – a draft proof 2021, a submitted
proof 2022, a payment request, a recommended Änderungsantrag – and then the award is closed
directly (the closing service itself refuses while anything is open; here we show that no
service relies on that).
"""

from datetime import date
from decimal import Decimal

import pytest

from audit.models import AuditEntry
from core import clock
from core.errors import DomainError
from grants.models import (
    AmendmentRequest,
    Award,
    Disbursement,
    Notice,
    NoticeDelivery,
    NumberSequence,
    Reclaim,
    ReclaimHearing,
    RemedyWaiver,
    UsageReport,
)
from grants.selectors.awards import award_notice_of
from grants.services.amendments import (
    amendment_approve,
    amendment_recommend,
    amendment_reject,
    amendment_save,
    amendment_send_back,
    amendment_submit,
    amendment_withdraw,
)
from grants.services.awards import award_financing_set
from grants.services.disbursements import (
    disbursement_book,
    disbursement_cancel,
    disbursement_prepare,
    disbursement_reject,
    disbursement_release,
    disbursement_request,
)
from grants.services.hearings import reclaim_hearing_send
from grants.services.notice_deliveries import notice_delivery_record, remedy_waiver_record
from grants.services.notices import notice_issue, notice_preview
from grants.services.reclaims import reclaim_book_repayment, reclaim_discard, reclaim_issue, reclaim_propose
from grants.services.usage_reports import (
    usage_report_accept,
    usage_report_attach_narrative,
    usage_report_save,
    usage_report_send_back,
    usage_report_submit,
)
from tests.grants.reclaim_fixtures import (  # noqa: F401 – fixtures
    PDF,
    RECEIVED,
    SPENT,
    TODAY,
    award,
    frozen_clock,
    proposed,
    report,
    submitted_interim,
)

M = Decimal
K = Notice.Kind
CLOSED_MESSAGE = "Die Zuwendung ist abgeschlossen und kann nicht mehr geändert werden."


@pytest.fixture
def world(award, proposed, coordinator_a, clerk, approver, approver2, private_storage):
    draft = usage_report_save(award=award, kind=UsageReport.Kind.INTERIM, year=2021, user=coordinator_a,
                              expenditures=SPENT, financings=RECEIVED)
    submitted = submitted_interim(award, coordinator_a, year=2022)
    requested = disbursement_request(award=award, year=2024, amount=M("1000.00"), user=coordinator_a)
    amendment = AmendmentRequest.objects.create(
        award=award, number=1, status=AmendmentRequest.Status.RECOMMENDED, period_end=award.period_end,
        plan=award.plan_snapshot, reason="Verschiebung.", created_by=coordinator_a, submitted_at=clock.now(),
        recommended_by=clerk, recommended_at=clock.now())
    Award.objects.filter(pk=award.pk).update(status=Award.Status.CLOSED, closed_at=clock.now())
    award.refresh_from_db()
    return {"award": award, "draft": draft, "submitted": submitted, "requested": requested,
            "amendment": amendment, "reclaim": proposed, "award_notice": award_notice_of(award),
            "coordinator": coordinator_a, "clerk": clerk, "approver": approver, "approver2": approver2}


def _award_year(w, year):
    return w["award"].years.get(budget__year=year)


def _award_notice(w) -> Notice:
    notice = award_notice_of(w["award"])
    assert notice is not None  # the scenario's award has its Zuwendungsbescheid
    return notice


ACTIONS = {
    # notices of every kind (a rejection has no award)
    "Zuwendungsbescheid": lambda w: notice_issue(application=w["award"].application, kind=K.AWARD,
                                                 user=w["approver2"], issued_on=TODAY),
    "freier Änderungsbescheid": lambda w: notice_issue(
        application=w["award"].application, kind=K.AMENDMENT, user=w["approver2"], issued_on=TODAY,
        refers_to=w["award_notice"], changes="Der Bewilligungszeitraum endet am 30.06.2026."),
    "Rückforderungsbescheid": lambda w: notice_issue(
        application=w["award"].application, kind=K.RECLAIM, user=w["approver2"], issued_on=TODAY,
        refers_to=w["award_notice"], reclaim=w["reclaim"]),
    "Vorschau Änderungsbescheid": lambda w: notice_preview(
        application=w["award"].application, kind=K.AMENDMENT, user=w["approver2"], refers_to=w["award_notice"]),
    # payments
    "Mittelabruf": lambda w: disbursement_request(award=w["award"], year=2024, amount=M("10.00"),
                                                  user=w["coordinator"]),
    "Mittelabruf zurückziehen": lambda w: disbursement_cancel(disbursement=w["requested"], user=w["coordinator"]),
    "Auszahlung vorbereiten": lambda w: disbursement_prepare(disbursement=w["requested"], user=w["clerk"]),
    "Auszahlung freigeben": lambda w: disbursement_release(disbursement=w["requested"], user=w["approver"]),
    "Auszahlung buchen": lambda w: disbursement_book(disbursement=w["requested"], user=w["clerk"],
                                                     paid_on=TODAY, payment_reference="K-1"),
    "Mittelabruf ablehnen": lambda w: disbursement_reject(disbursement=w["requested"], user=w["clerk"],
                                                          reason="Nicht nötig."),
    # proofs of use
    "Nachweis anlegen": lambda w: usage_report_save(award=w["award"], kind=UsageReport.Kind.INTERIM, year=2024,
                                                    user=w["coordinator"], expenditures=SPENT, financings=RECEIVED),
    "Nachweis ändern": lambda w: usage_report_save(award=w["award"], kind=UsageReport.Kind.INTERIM, year=2021,
                                                   user=w["coordinator"], expenditures=SPENT, financings=RECEIVED),
    "Sachbericht hochladen": lambda w: usage_report_attach_narrative(report=w["draft"], user=w["coordinator"],
                                                                     name="sachbericht.pdf", content=PDF),
    "Nachweis einreichen": lambda w: usage_report_submit(report=w["draft"], user=w["coordinator"],
                                                         declaration=True),
    "Nachweis annehmen": lambda w: usage_report_accept(report=w["submitted"], user=w["clerk"]),
    "Rückfragen zum Nachweis": lambda w: usage_report_send_back(report=w["submitted"], user=w["clerk"],
                                                                questions="Bitte Belege nachreichen."),
    # reclaims
    "Rückforderung vorschlagen": lambda w: reclaim_propose(
        report=w["submitted"], user=w["clerk"], award_year=_award_year(w, 2022), ground="nicht_verwendet",
        principal=M("100.00"), reason="Nicht verwendet.", interest_from=date(2023, 1, 2)),
    "Rückforderung festsetzen": lambda w: reclaim_issue(reclaim=w["reclaim"], user=w["approver2"]),
    "Rückforderung verwerfen": lambda w: reclaim_discard(reclaim=w["reclaim"], user=w["approver2"],
                                                         reason="Kein Grund."),
    "Rückzahlung buchen": lambda w: reclaim_book_repayment(reclaim=w["reclaim"], user=w["clerk"],
                                                           received_on=TODAY, amount=M("10.00")),
    # amendments
    "Änderungsantrag speichern": lambda w: amendment_save(award=w["award"], user=w["coordinator"],
                                                          period_end=date(2025, 12, 31), expenditures=[],
                                                          financings=[], reason="Neu."),
    "Änderungsantrag einreichen": lambda w: amendment_submit(request=w["amendment"], user=w["coordinator"]),
    "Änderungsantrag zurückziehen": lambda w: amendment_withdraw(request=w["amendment"], user=w["coordinator"]),
    "Rückfrage zum Änderungsantrag": lambda w: amendment_send_back(request=w["amendment"], user=w["clerk"],
                                                                   questions="Warum?"),
    "Änderungsantrag empfehlen": lambda w: amendment_recommend(request=w["amendment"], user=w["clerk"]),
    "Änderungsantrag bewilligen": lambda w: amendment_approve(request=w["amendment"], user=w["approver2"]),
    "Änderungsantrag ablehnen": lambda w: amendment_reject(request=w["amendment"], user=w["approver2"],
                                                           reason="Nein."),
    # Recorded after the notice, still changes of the grant's file: refused too.
    "Bekanntgabe erfassen": lambda w: notice_delivery_record(
        notice=_award_notice(w), user=w["clerk"], method="post", event_on=date(2023, 6, 1),
        correction_reason="Nachtrag"),
    "Rechtsbehelfsverzicht erfassen": lambda w: remedy_waiver_record(
        notice=_award_notice(w), user=w["coordinator"], declared_on=date(2023, 6, 1),
        declared_by_name="Landrat"),
    "Anhörung senden": lambda w: reclaim_hearing_send(reclaim=w["reclaim"], user=w["clerk"]),
    "Finanzierungsart ändern": lambda w: award_financing_set(award=w["award"], user=w["approver"],
                                                             financing_type="voll", financing_share=None),
}


def _state(w):
    return {
        "audit": AuditEntry.objects.count(),
        "notices": Notice.objects.count(),
        "numbers": list(NumberSequence.objects.order_by("key").values_list("key", "last_value")),
        "reports": list(UsageReport.objects.order_by("pk").values_list("pk", "status")),
        "payments": list(Disbursement.objects.order_by("pk").values_list("pk", "status")),
        "reclaims": list(Reclaim.objects.order_by("pk").values_list("pk", "status")),
        "amendments": list(AmendmentRequest.objects.order_by("pk").values_list("pk", "status")),
        "deliveries": NoticeDelivery.objects.count(),
        "waivers": RemedyWaiver.objects.count(),
        "hearings": ReclaimHearing.objects.count(),
        "financing": list(Award.objects.order_by("pk").values_list("financing_type", flat=True)),
    }


@pytest.mark.parametrize("action", ACTIONS, ids=list(ACTIONS))
def test_every_service_refuses_a_closed_award_and_writes_nothing(world, action):
    before = _state(world)

    with pytest.raises(DomainError) as refusal:
        ACTIONS[action](world)

    assert refusal.value.message == CLOSED_MESSAGE
    assert _state(world) == before
