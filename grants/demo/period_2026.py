"""The open funding period 2026–2030: applications, two awards and their amendments.

`build_2026` creates the programme (its application deadline extended to 31.12.2026) and its
budgets, the Hochtaunuskreis's application waiting for review, and the awards of Bad Homburg
v. d. Höhe and Hanau with their notices and payment calls – paid, waiting for preparation and
waiting for release – and one amendment each: Bad Homburg's approved, Hanau's submitted.
"""

from datetime import date, timedelta
from decimal import Decimal

from accounts.models import User
from core.money import ZERO
from grants.demo import notice_parts
from grants.demo.accounts import BAD_HOMBURG_ACCOUNT, HTK_ACCOUNT
from grants.demo.common import (
    BAD_HOMBURG,
    CODE_2026,
    HTK,
    History,
    at,
    balanced_plan,
    centre_purpose,
    create_programme,
    issuing_authority,
    workday,
)
from grants.models import (
    Application,
    Award,
    FundingProgramme,
    Notice,
    NoticeDelivery,
)
from grants.plan.lines import ExpenditureLine, FinancingLine
from grants.selectors.amendments import amendment_initial
from grants.services.amendments import (
    amendment_approve,
    amendment_recommend,
    amendment_save,
    amendment_submit,
)
from grants.services.applications import application_create, application_submit
from grants.services.assignments import application_assign
from grants.services.awards import application_approve
from grants.services.budgets import budget_set
from grants.services.disbursements import (
    disbursement_book,
    disbursement_prepare,
    disbursement_release,
    disbursement_request,
)
from grants.services.early_start import early_start_consent_record
from grants.services.notice_deliveries import notice_delivery_record
from grants.services.notices import notice_issue
from grants.services.plans import financing_plan_replace
from grants.services.reviews import application_recommend, application_start_review


def build_2026(accounts: dict[str, User], history: History) -> None:
    admin, coordinator = accounts["admin"], accounts[HTK_ACCOUNT.username]
    authority = issuing_authority("Hessisches Ministerium für Arbeit, Integration, Jugend und Soziales")
    # The brief's default deadline (31.12. of the year before, i.e. 31.12.2025) has passed;
    # the demo extends it to 31.12.2026 so the period is open for trying out applications.
    programme = create_programme(code=CODE_2026, start=2026, authority=authority, further_from=None,
                                 application_deadline=date(2026, 12, 31), accepts_applications=True,
                                 max_grant_per_applicant=Decimal("600000.00"))
    notice_parts.configure(programme, first_year_budget=2026)
    for year in programme.years:
        history.at(at(date(2025, 12, 10), 10, year - 2025), budget_set, programme=programme, year=year,
                   amount=Decimal("3300000.00"), user=admin, note=f"Haushaltsansatz {year}")

    created = date(2026, 11, 9)
    application = history.at(
        at(created, 10), application_create, user=coordinator, programme=programme, today=created,
        title=f"WIR-Vielfaltszentrum {HTK}", purpose=centre_purpose(HTK),
        period_start=programme.period_start, period_end=programme.period_end,
        contact_name=coordinator.get_full_name(), contact_email=coordinator.email)
    expenditures, financings = balanced_plan(programme, programme.years,
                                             dict.fromkeys(programme.years, Decimal("120000.00")),
                                             positions=Decimal("2.00"), further=False)
    history.at(at(created, 14, 20), financing_plan_replace, application=application, user=coordinator,
               expenditures=expenditures, financings=financings)
    submitted = at(date(2026, 11, 16), 11, 45)
    history.at(submitted, application_submit, application=application, user=coordinator, now=submitted)
    Application.objects.filter(pk=application.pk).update(updated_at=submitted)

    _award_2026(programme, accounts, history)


def _award_2026(programme: FundingProgramme, accounts: dict[str, User], history: History) -> None:
    """Two centres awarded in March 2026 with 600,000 € each (the brief names such awards
    for Bad Homburg and Hanau): issued notices, the 2026 calls so far paid out, and a call
    still waiting for preparation and one waiting for release – so the running period shows
    payments, notices and deadlines."""
    clerk, approver = accounts["sachbearbeitung"], accounts["bewilligung"]
    grants = dict.fromkeys(programme.years, Decimal("120000.00"))
    reference = 0
    bodies = ((BAD_HOMBURG, BAD_HOMBURG_ACCOUNT.username), ("Hanau", "koordination-hanau"))
    for index, (body, username) in enumerate(bodies):
        coordinator = accounts[username]
        created = workday(date(2025, 11, 3) + timedelta(days=7 * index))
        application = history.at(
            at(created, 9, 30), application_create, user=coordinator, programme=programme, today=created,
            title=f"WIR-Vielfaltszentrum {body}", purpose=centre_purpose(body),
            period_start=programme.period_start, period_end=programme.period_end,
            contact_name=coordinator.get_full_name(), contact_email=coordinator.email)
        expenditures, financings = balanced_plan(programme, programme.years, grants,
                                                 positions=Decimal("2.00"), further=False)
        history.at(at(created, 11), financing_plan_replace, application=application, user=coordinator,
                   expenditures=expenditures, financings=financings)
        submitted = at(workday(created + timedelta(days=7)), 14)
        history.at(submitted, application_submit, application=application, user=coordinator, now=submitted)
        history.at(at(date(2025, 12, 15), 10), early_start_consent_record, application=application, user=approver,
                   consented_on=date(2025, 12, 15), allowed_from=programme.period_start,
                   consented_by=f"{notice_parts.HMAIJS}, Referat II 5 – Integration")
        history.at(at(workday(date(2026, 1, 12) + timedelta(days=index)), 9), application_start_review,
                   application=application, user=clerk)
        # Katrin Weber (Sachbearbeitung) takes the case as she starts the review: "zuständig".
        history.at(at(workday(date(2026, 1, 12) + timedelta(days=index)), 9, 5), application_assign,
                   application=application, assignee=clerk, by=clerk)
        history.at(at(workday(date(2026, 2, 16) + timedelta(days=index)), 11), application_recommend,
                   application=application, user=clerk, amounts=grants, justification="")
        decided = at(workday(date(2026, 3, 2) + timedelta(days=index)), 14)
        award = history.at(decided, application_approve, application=application, user=approver, now=decided)
        issued_on = workday(date(2026, 3, 10) + timedelta(days=index))
        notice = history.at(at(issued_on, 10), notice_issue, application=application, kind=Notice.Kind.AWARD,
                            user=approver, issued_on=issued_on)
        history.at(at(issued_on, 16), notice_delivery_record, notice=notice, user=clerk,
                   method=NoticeDelivery.Method.POST, event_on=issued_on)
        Application.objects.filter(pk=application.pk).update(updated_at=decided)

        # Paid: half by April, a further 40,000 € by October (callable as needed within two months).
        calls = ((date(2026, 4, 1), Decimal("60000.00"), "Personal- und Sachausgaben Januar bis Juni"),
                 (date(2026, 10, 1), Decimal("40000.00"), "Personal- und Sachausgaben Juli bis Oktober"))
        for day, amount, need in calls:
            requested = at(workday(day + timedelta(days=index)), 10)
            disbursement = history.at(requested, disbursement_request, award=award, year=2026, amount=amount,
                                      user=coordinator, stated_need=f"{need} 2026.")
            prepared = at(workday(requested.date() + timedelta(days=3)), 9)
            history.at(prepared, disbursement_prepare, disbursement=disbursement, user=clerk, now=prepared)
            released = at(workday(prepared.date() + timedelta(days=2)), 11)
            history.at(released, disbursement_release, disbursement=disbursement, user=approver, now=released)
            paid_on = workday(released.date() + timedelta(days=2))
            reference += 1
            history.at(at(paid_on, 15), disbursement_book, disbursement=disbursement, user=clerk,
                       paid_on=paid_on, payment_reference=f"ZA-2026-{reference:04d}")
        # Still in progress: Bad Homburg's November call awaits preparation, Hanau's its release.
        requested = at(workday(date(2026, 11, 16) + timedelta(days=index)), 10)
        disbursement = history.at(requested, disbursement_request, award=award, year=2026,
                                  amount=Decimal("20000.00"), user=coordinator,
                                  stated_need="Personal- und Sachausgaben November und Dezember 2026.")
        if body == "Hanau":
            history.at(at(date(2026, 11, 23), 9), disbursement_prepare, disbursement=disbursement, user=clerk,
                       now=at(date(2026, 11, 23), 9))
        _amend_2026(history, award, coordinator, clerk, approver, hanau=body == "Hanau")


def _amend_2026(history: History, award: Award, coordinator: User, clerk: User, approver: User, *,
                hanau: bool) -> None:
    """Bad Homburg shifted 5.000,00 € of its grant from 2028 to 2027 (approved, Änderungsbescheid
    of 22.09.2026); Hanau asks to move 8.000,00 € of 2027 from staff to micro-projects
    (submitted, waiting for the clerk)."""
    period_end, expenditures, financings = amendment_initial(award)
    if hanau:
        expenditures = [
            ExpenditureLine(e.year, e.category, e.amount + {"personal": -8000, "mikroprojekte": 8000}.get(
                e.category.code, 0), e.positions) if e.year == 2027 else e
            for e in expenditures
        ]
        reason = ("Eine der beiden Koordinationsstellen wird 2027 für vier Monate in Teilzeit besetzt. "
                  "Die frei werdenden 8.000,00 € sollen in Mikroprojekte der Sprachpatenschaften fließen.")
        saved = at(date(2026, 11, 18), 10)
    else:
        shift = {2027: Decimal("5000.00"), 2028: Decimal("-5000.00")}
        financings = [
            FinancingLine(f.year, f.source, f.amount + shift.get(f.year, ZERO) * (1 if f.source == "zuwendung" else -1))
            if f.year in shift and f.source in ("zuwendung", "eigenmittel") else f
            for f in financings
        ]
        reason = ("Wegen der Haushaltssicherung kann die Stadt 2027 nur geringere Eigenmittel bereitstellen; "
                  "2028 setzt sie entsprechend mehr Eigenmittel ein. Die Zuwendung insgesamt bleibt gleich.")
        saved = at(date(2026, 9, 1), 10)
    request = history.at(saved, amendment_save, award=award, user=coordinator, period_end=period_end,
                         expenditures=expenditures, financings=financings, reason=reason)
    submitted = at(saved.date(), 11)
    request = history.at(submitted, amendment_submit, request=request, user=coordinator, now=submitted)
    if hanau:
        return
    recommended = at(date(2026, 9, 8), 10)
    request = history.at(recommended, amendment_recommend, request=request, user=clerk, now=recommended,
                         note="Verschiebung zwischen den Jahren; Gesamtbetrag und Haushaltsansätze unverändert "
                              "ausreichend.")
    decided = at(date(2026, 9, 22), 14)
    request = history.at(decided, amendment_approve, request=request, user=approver, issued_on=decided.date(),
                         now=decided)
    history.at(at(decided.date(), 16), notice_delivery_record, notice=request.notice, user=clerk,
               method=NoticeDelivery.Method.POST, event_on=decided.date())
