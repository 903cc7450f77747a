"""Verwendungsnachweis: the coordinator drafts, attaches the Sachbericht and submits the proof
of use of the own body's award; the ministry accepts it or sends questions back.

Entwurf → Eingereicht → (Rückfragen → Eingereicht …) → Angenommen. A report can be started
only once the period it covers has ended (interim: the budget year; final: the award's
period); the due dates come from grants/selectors/deadlines.py, who may do what from
grants/policies/proofs.py. Every transition locks the report row.
"""

import hashlib
from datetime import date, datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import Capability
from audit.services import audit_log
from core import clock
from core.errors import DomainError, FieldErrors
from core.money import amount_errors
from core.uploads import check_pdf_upload, display_filename
from grants.handovers import handover
from grants.models import Award, UsageReport, UsageReportExpenditure, UsageReportFinancing
from grants.plan.lines import FinancingSource
from grants.policies import (
    check,
    may_usage_report_accept,
    may_usage_report_attach_narrative,
    may_usage_report_edit,
    may_usage_report_send_back,
    may_usage_report_submit,
    refuse_capability,
)
from grants.policies.base import refuse_other_body
from grants.selectors.proofs import report_deadline
from inbox.models import Event

R = UsageReport.Status

def _validated_lines(programme, expenditures: dict, financings: dict) -> tuple[dict, dict]:
    """{category: amount} and {source: amount} without empty entries; FieldErrors otherwise."""
    categories = {category.code: category for category in programme.cost_categories.all()}
    errors: dict[str, list[str]] = {}
    expenditure_lines, financing_lines = {}, {}
    for code, amount in expenditures.items():
        if code not in categories:
            errors.setdefault("expenditures", []).append(
                _("„%(code)s“ ist keine Kostenart dieses Programms.") % {"code": code})
        elif amount is not None:
            if problems := amount_errors(amount):
                errors[f"expenditure-{code}"] = problems
            else:
                expenditure_lines[categories[code]] = amount
    for source, amount in financings.items():
        if source not in FinancingSource.values:
            errors.setdefault("financings", []).append(
                _("„%(source)s“ ist keine Finanzierungsquelle.") % {"source": source})
        elif amount is not None:
            if problems := amount_errors(amount):
                errors[f"financing-{source}"] = problems
            else:
                financing_lines[source] = amount
    if errors:
        raise FieldErrors(errors)
    return expenditure_lines, financing_lines


def _lock(report: UsageReport) -> UsageReport:
    return UsageReport.objects.select_for_update().get(pk=report.pk)


def usage_report_save(*, award: Award, kind: str, year: int | None, user, expenditures: dict[str, Decimal],
                      financings: dict[str, Decimal], today: date | None = None) -> UsageReport:
    """Create or update the draft: actual expenditure per cost category (code → amount) and
    financing actually received per source. Entries missing or None are removed."""
    application = award.application
    check(refuse_other_body(user, application.municipality_id))
    if kind not in UsageReport.Kind.values:
        raise DomainError(_("Unbekannte Art des Nachweises."))
    year = year if kind == UsageReport.Kind.INTERIM else None
    deadline = report_deadline(award, kind, year)
    today = today or clock.today()
    check(may_usage_report_edit(user, award, None, deadline=deadline, today=today))
    expenditure_lines, financing_lines = _validated_lines(application.programme, expenditures, financings)
    with transaction.atomic():
        # The award row serialises the first save of a report (nothing to lock yet).
        award = Award.objects.select_for_update(of=("self",)).select_related("application").get(pk=award.pk)
        report = UsageReport.objects.select_for_update().filter(award=award, kind=kind, year=year).first()
        check(may_usage_report_edit(user, award, report, deadline=deadline, today=today))
        if report is None:
            report = UsageReport.objects.create(award=award, kind=kind, year=year)
            audit_log(actor=user, action="grants.usage_report.created", target=report,
                      changes={"status": [None, report.status]})
        before_expenditures = {line.category.code: line.amount
                               for line in report.expenditures.select_related("category")}
        before_financings = {line.source: line.amount for line in report.financings.all()}
        after_expenditures = {category.code: amount for category, amount in expenditure_lines.items()}
        report.expenditures.exclude(category__in=list(expenditure_lines)).delete()
        for category, amount in expenditure_lines.items():
            UsageReportExpenditure.objects.update_or_create(report=report, category=category,
                                                            defaults={"amount": amount})
        report.financings.exclude(source__in=list(financing_lines)).delete()
        for source, amount in financing_lines.items():
            UsageReportFinancing.objects.update_or_create(report=report, source=source, defaults={"amount": amount})
        changes = {}
        for prefix, before, after in (("expenditure", before_expenditures, after_expenditures),
                                      ("financing", before_financings, financing_lines)):
            for key in sorted(set(before) | set(after)):
                if before.get(key) != after.get(key):
                    changes[f"{prefix}-{key}"] = [
                        None if before.get(key) is None else str(before[key]),
                        None if after.get(key) is None else str(after[key]),
                    ]
        if changes:
            audit_log(actor=user, action="grants.usage_report.saved", target=report, changes=changes)
    return report


def usage_report_attach_narrative(*, report: UsageReport, user, name: str, content: bytes) -> UsageReport:
    """The Sachbericht as a PDF (checked by content and size), stored privately with its
    SHA-256; a new upload replaces the previous one."""
    check(refuse_other_body(user, report.award.application.municipality_id))
    check_pdf_upload(content, field="narrative")
    with transaction.atomic():
        report = _lock(report)
        check(may_usage_report_attach_narrative(user, report))
        previous = report.narrative.name if report.narrative else ""
        report.narrative.save("sachbericht.pdf", ContentFile(content), save=False)
        report.narrative_name = display_filename(name)
        report.narrative_sha256 = hashlib.sha256(content).hexdigest()
        report.save(update_fields=["narrative", "narrative_name", "narrative_sha256"])
        if previous:
            # Its row goes in this transaction; an object in S3 once the transaction committed.
            report.narrative.storage.delete(previous)
        audit_log(actor=user, action="grants.usage_report.narrative_attached", target=report,
                  data={"file": report.narrative_name, "sha256": report.narrative_sha256})
    return report


def usage_report_submit(*, report: UsageReport, user, declaration: bool, now: datetime | None = None) -> UsageReport:
    """Entwurf or Rückfragen → Eingereicht. Needs the Sachbericht, the declaration and at
    least one line of actual expenditure."""
    check(refuse_other_body(user, report.award.application.municipality_id))
    now = now or clock.now()
    with transaction.atomic():
        report = _lock(report)
        check(may_usage_report_submit(user, report))
        errors: dict[str, list[str]] = {}
        if not report.expenditures.exists():
            errors["expenditures"] = [_("Bitte die tatsächlichen Ausgaben mindestens einer Kostenart angeben.")]
        if not report.narrative:
            errors["narrative"] = [_("Bitte den Sachbericht als PDF hochladen.")]
        if not declaration:
            errors["declaration"] = [_("Bitte bestätigen Sie die Erklärung.")]
        if errors:
            raise FieldErrors(errors)
        before = report.status
        report.status = R.SUBMITTED
        report.declaration = True
        report.submitted_at, report.submitted_by = now, user
        report.save(update_fields=["status", "declaration", "submitted_at", "submitted_by"])
        entry = audit_log(actor=user, action="grants.usage_report.submitted", target=report,
                          changes={"status": [before, report.status]},
                          data={"narrative_sha256": report.narrative_sha256})
        # A proof can come back with questions and be submitted again: each submission (its
        # audit entry) is a hand-over of its own.
        handover(Event.PROOF_SUBMITTED, application=report.award.application, actor=user,
                 key=f"audit:{entry.pk}", page_pk=report.pk, proof=str(report))
    return report


def usage_report_accept(*, report: UsageReport, user, note: str = "", now: datetime | None = None) -> UsageReport:
    """Eingereicht → Angenommen, with an optional note (replaces earlier questions in
    check_note; they stay in the history)."""
    check(refuse_capability(user, Capability.REVIEW))
    now = now or clock.now()
    with transaction.atomic():
        report = _lock(report)
        check(may_usage_report_accept(user, report))
        before = report.status
        report.status = R.ACCEPTED
        report.checked_at, report.checked_by, report.check_note = now, user, note.strip()
        report.save(update_fields=["status", "checked_at", "checked_by", "check_note"])
        audit_log(actor=user, action="grants.usage_report.accepted", target=report,
                  changes={"status": [before, report.status]}, data={"note": report.check_note})
    return report


def usage_report_send_back(*, report: UsageReport, user, questions: str, now: datetime | None = None) -> UsageReport:
    """Eingereicht → Rückfragen: the coordinator answers by editing and submitting again."""
    check(refuse_capability(user, Capability.REVIEW))
    questions = (questions or "").strip()
    if not questions:
        raise FieldErrors({"questions": [_("Bitte formulieren Sie Ihre Rückfragen.")]})
    now = now or clock.now()
    with transaction.atomic():
        report = _lock(report)
        check(may_usage_report_send_back(user, report))
        before = report.status
        report.status = R.QUESTIONS
        report.checked_at, report.checked_by, report.check_note = now, user, questions
        report.save(update_fields=["status", "checked_at", "checked_by", "check_note"])
        entry = audit_log(actor=user, action="grants.usage_report.questions_sent", target=report,
                          changes={"status": [before, report.status]}, data={"questions": questions})
        handover(Event.PROOF_QUESTIONS, application=report.award.application, actor=user,
                 key=f"audit:{entry.pk}", proof=str(report), detail=questions)
    return report
