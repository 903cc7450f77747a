"""One grant's case file as the archive sees it: Akte → Vorgänge → Dokumente, each document
with its metadata and its primary file.

`case_file(application)` reads everything the file holds – the application, its attachments,
review and decision, every notice, the payment calls and payments, the proofs of use with their
narrative reports, reclaims with their hearings, the Änderungsanträge and the audit trail – and
returns it as plain data for `grants.xdomea.message`:

- files the application **stores** (uploaded attachments, Sachberichte, the hearing's answer,
  issued notices and hearing letters) go into the package byte for byte, each checked against
  the SHA-256 recorded when it was stored (grants/xdomea/files.py);
- what the file holds **as data** (the application with its financing plan, the decision, the
  payments, a proof's figures, a reclaim, an amendment request, the audit trail) is printed as
  PDF/A-3b by `grants.xdomea.documents`.

Documents name a role as their Bearbeiter ("Koordination Werra-Meißner-Kreis", "Bewilligung");
the audit trail names the person and the role, as the file's own history does.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from core.errors import DomainError
from core.formats import format_date, format_datetime, format_decimal, format_period
from core.money import format_eur
from grants.models import (
    AmendmentRequest,
    Application,
    Award,
    Disbursement,
    Notice,
    Reclaim,
)
from grants.plan import codec
from grants.plan.lines import FinancingSource
from grants.selectors.timeline import timeline_rows
from grants.xdomea.documents import Record, Section, Table
from grants.xdomea.files import (
    CaseFile,
    Document,
    Process,
    checked_bytes,
    local_day,
    object_id,
    record_document,
    stored_bytes,
    stored_document,
)

Progress = Callable[[str], None]


def _role(user) -> str:
    """Who acted, as the file needs it: the role (and the body of a coordinator), not the name."""
    if user is None:
        return ""
    role = str(user.get_role_display())
    return f"{role} {user.municipality}" if getattr(user, "municipality_id", None) else role


def _person(user) -> str:
    """Who acted, in the audit trail: the name and role, as the file's own history shows them
    (the four-eyes steps are only traceable by person)."""
    if user is None:
        return _("System")
    name = user.get_full_name() or user.get_username()
    return f"{name} ({_role(user)})"


def _plan_sections(plan_json: dict | None, heading: str) -> list[Section]:
    if not plan_json:
        return [Section(heading, empty=_("Kein Finanzierungsplan."))]
    plan = codec.decode(plan_json)
    rows: list[tuple[str, ...]] = []
    for year in plan.years:
        for line in year.expenditures:
            positions = f" ({format_decimal(line.positions)} VZÄ)" if line.positions is not None else ""
            rows.append((str(year.year), _("Ausgabe: %(name)s") % {"name": line.category_name} + positions,
                         format_eur(line.amount)))
        for source, amount in year.financing.items():
            rows.append((str(year.year), _("Finanzierung: %(name)s") % {"name": FinancingSource(source).label},
                         format_eur(amount)))
    return [Section(heading, table=Table((_("Haushaltsjahr"), _("Position"), _("Betrag")), tuple(rows), (2,)))]


def _application_plan(application: Application) -> dict:
    """The plan as the application states it, in the codec's JSON (the same shape the award keeps)."""
    by_year: dict[int, dict] = {}
    for exp in application.expenditures.select_related("category").order_by("year", "category__position"):
        by_year.setdefault(exp.year, {"year": exp.year, "expenditures": [], "financing": {}})["expenditures"].append(
            {"category": exp.category.code, "category_name": exp.category.name, "amount": str(exp.amount),
             "positions": str(exp.positions) if exp.positions is not None else None})
    for fin in application.financings.order_by("year", "source"):
        by_year.setdefault(fin.year, {"year": fin.year, "expenditures": [], "financing": {}})["financing"][
            fin.source] = str(fin.amount)
    years = []
    for year in sorted(by_year):
        entry = by_year[year]
        for source in FinancingSource.values:
            entry["financing"].setdefault(source, "0.00")
        entry["requested_grant"] = entry["financing"][FinancingSource.GRANT]
        entry["reduction"] = "0.00"
        years.append(entry)
    return {"years": years}


# --- the Vorgänge ----------------------------------------------------------------------------

def _application_process(application: Application, ref: str) -> Process:
    submitted = local_day(application.submitted_at) or local_day(application.created_at)
    assert submitted is not None
    sections = [
        Section(_("Antrag"), fields=(
            (_("Aktenzeichen"), ref),
            (_("Antragstellende Gebietskörperschaft"), application.municipality.recipient_body),
            (_("Förderperiode"), str(application.programme)),
            (_("Vorhaben"), application.title),
            (_("Zweck der Zuwendung"), application.purpose),
            (_("Vorhabenzeitraum"), format_period(application.period_start, application.period_end)),
            (_("Antrag vom"), format_date(application.submitted_at) if application.submitted_at else "–"),
            (_("Status"), str(application.get_status_display())),
        )),
        *_plan_sections(_application_plan(application), _("Finanzierungsplan (wie beantragt)")),
    ]
    requests = list(application.change_requests.select_related("requested_by", "answered_by").order_by("created_at"))
    if requests:
        sections.append(Section(_("Nachforderungen"), table=Table(
            (_("angefordert am"), _("Nachricht"), _("beantwortet am"), _("Antwort")),
            tuple((format_date(r.created_at), r.message, format_date(r.answered_at) if r.answered_at else "–",
                   r.answer or "–") for r in requests))))
    comments = list(application.comments.select_related("author").order_by("created_at"))
    if comments:
        sections.append(Section(_("Kommentare"), table=Table(
            (_("am"), _("von"), _("Sichtbarkeit"), _("Kommentar")),
            tuple((format_datetime(c.created_at), _role(c.author), str(c.get_visibility_display()), c.text)
                  for c in comments))))
    record = Record(_("Antrag mit Finanzierungsplan"), ref, submitted, tuple(sections))
    documents = [record_document(kind="antrag", pk=application.pk, record=record, doc_kind=_("Antrag"),
                                 author=_role(application.created_by))]
    for attachment in application.attachments.select_related("uploaded_by").order_by("uploaded_at", "pk"):
        title = attachment.description or attachment.original_name
        data = stored_bytes(attachment.file.name, attachment.sha256, attachment.original_name)
        uploaded = local_day(attachment.uploaded_at)
        assert uploaded is not None
        documents.append(stored_document(
            kind="anlage", pk=attachment.pk, title=title, doc_kind=_("Anlage zum Antrag"), dated=uploaded,
            data=data, original_name=attachment.original_name, author=_role(attachment.uploaded_by),
            created_at=attachment.uploaded_at, received=True))
    return Process(object_id("vorgang-antrag", application.pk), _("Antrag"), _("Antrag"), documents,
                   start=local_day(application.created_at), end=local_day(application.submitted_at))


def _notice_document(notice: Notice, *, number_prefix: str = "") -> Document:
    data = checked_bytes(bytes(notice.pdf or b""), notice.sha256, notice.number)
    deliveries = list(notice.deliveries.all())
    note = ""
    if deliveries:
        latest = deliveries[0]
        note = _("Bekanntgabe: %(method)s, bekanntgegeben am %(date)s") % {
            "method": latest.get_method_display(), "date": format_date(latest.notified_on)}
    title = f"{notice.get_kind_display()} {notice.number}"
    return stored_document(kind="bescheid", pk=notice.pk, title=number_prefix + title,
                           doc_kind=str(notice.get_kind_display()), dated=notice.issued_on, data=data,
                           original_name=f"{notice.number}.pdf", author=_role(notice.issued_by),
                           created_at=notice.created_at, reference=notice.number, note=note, sent=True)


def _decision_process(application: Application, award: Award | None, ref: str) -> Process | None:
    decision = getattr(application, "decision", None)
    notices = [n for n in application.notices.all() if n.kind in (Notice.Kind.AWARD, Notice.Kind.REJECTION)]
    if decision is None and not notices:
        return None
    sections = []
    for recommendation in application.recommendations.select_related("recommended_by").prefetch_related("years"):
        sections.append(Section(_("Empfehlung vom %(date)s") % {"date": format_date(recommendation.created_at)},
                                fields=((_("empfohlen von"), _role(recommendation.recommended_by)),
                                        (_("Begründung"), recommendation.justification or "–")),
                                table=Table((_("Haushaltsjahr"), _("empfohlene Zuwendung")),
                                            tuple((str(y.year), format_eur(y.amount))
                                                  for y in recommendation.years.all()), (1,))))
    if decision is not None:
        sections.append(Section(_("Entscheidung"), fields=(
            (_("Entscheidung"), str(decision.get_outcome_display())),
            (_("entschieden am"), format_date(decision.decided_at)),
            (_("entschieden von"), _role(decision.decided_by)),
            (_("Begründung"), decision.reason or "–"),
            (_("Ermessenserwägungen"), decision.discretion or "–"),
        )))
    if award is not None:
        sections.append(Section(_("Zuwendung"), fields=(
            (_("Bewilligungszeitraum"), format_period(award.period_start, award.period_end)),
            (_("Finanzierungsart"), award.financing_label),
            (_("Status"), str(award.get_status_display())),
            (_("abgeschlossen am"), format_date(award.closed_at) if award.closed_at else "–"),
        ), table=Table((_("Haushaltsjahr"), _("bewilligter Höchstbetrag")),
                       tuple((str(y.year), format_eur(y.amount)) for y in award.years.select_related("budget")),
                       (1,))))
        sections += _plan_sections(award.plan_snapshot, _("Verbindlicher Finanzierungsplan"))
    decided = local_day(decision.decided_at) if decision is not None else None
    documents = []
    if sections:
        record = Record(_("Prüfung und Entscheidung"), ref,
                        decided or local_day(application.submitted_at) or timezone.localdate(application.created_at),
                        tuple(sections))
        documents.append(record_document(kind="entscheidung", pk=application.pk, record=record,
                                         doc_kind=_("Entscheidungsvermerk")))
    documents += [_notice_document(n) for n in sorted(notices, key=lambda n: (n.issued_on, n.number))]
    return Process(object_id("vorgang-bewilligung", application.pk), _("Bewilligung und Bescheide"),
                   _("Bewilligung"), documents, start=decided)


def _payments_process(award: Award, ref: str) -> Process | None:
    calls = list(Disbursement.objects.filter(award_year__award=award)
                 .select_related("award_year__budget", "requested_by", "prepared_by", "released_by", "booked_by")
                 .order_by("requested_at", "pk"))
    if not calls:
        return None
    rows = tuple((str(c.pk), str(c.award_year.year), format_date(c.requested_at), format_eur(c.amount),
                  str(c.get_status_display()),
                  format_date(c.released_at) if c.released_at else "–",
                  format_date(c.paid_on) if c.paid_on else "–", c.payment_reference or "–",
                  c.rejection_reason or c.stated_need or "")
                 for c in calls)
    paid = [c for c in calls if c.status == Disbursement.Status.PAID]
    total = sum((c.amount for c in paid), start=Decimal("0.00"))
    last = timezone.localdate(max(c.requested_at for c in calls))
    record = Record(_("Mittelabrufe und Auszahlungen"), ref, last, (
        Section(_("Übersicht"), fields=((_("Mittelabrufe"), str(len(calls))),
                                        (_("ausgezahlt insgesamt"), format_eur(total)))),
        Section(_("Mittelabrufe"), table=Table(
            (_("Nr."), _("Haushaltsjahr"), _("abgerufen am"), _("Betrag"), _("Status"), _("freigegeben am"),
             _("ausgezahlt am"), _("Buchungszeichen"), _("Bedarf / Ablehnungsgrund")), rows, (3,))),
    ))
    return Process(object_id("vorgang-zahlungen", award.pk), _("Mittelabrufe und Auszahlungen"),
                   _("Auszahlungen"), [record_document(kind="zahlungen", pk=award.pk, record=record,
                                                       doc_kind=_("Zahlungsübersicht"))],
                   start=local_day(calls[0].requested_at), end=last)


def _proofs_process(award: Award, ref: str) -> Process | None:
    reports = list(award.usage_reports.select_related("submitted_by", "checked_by")
                   .prefetch_related("expenditures__category", "financings").order_by("kind", "year", "pk"))
    if not reports:
        return None
    documents = []
    for report in reports:
        dated = local_day(report.submitted_at) or local_day(report.created_at)
        assert dated is not None
        title = str(report)
        record = Record(title, ref, dated, (
            Section(_("Nachweis"), fields=(
                (_("Art"), str(report.get_kind_display())),
                (_("Haushaltsjahr"), str(report.year) if report.year else _("ganzer Bewilligungszeitraum")),
                (_("Status"), str(report.get_status_display())),
                (_("eingereicht am"), format_date(report.submitted_at) if report.submitted_at else "–"),
                (_("eingereicht von"), _role(report.submitted_by) or "–"),
                (_("Erklärung abgegeben"), _("ja") if report.declaration else _("nein")),
                (_("geprüft am"), format_date(report.checked_at) if report.checked_at else "–"),
                (_("Prüfvermerk / Rückfragen"), report.check_note or "–"),
            )),
            Section(_("Tatsächliche Ausgaben"), table=Table(
                (_("Kostenart"), _("Betrag")),
                tuple((e.category.name, format_eur(e.amount)) for e in report.expenditures.all()), (1,)),
                empty=_("Keine Angaben.")),
            Section(_("Tatsächlich erhaltene Finanzierung"), table=Table(
                (_("Quelle"), _("Betrag")),
                tuple((str(f.get_source_display()), format_eur(f.amount)) for f in report.financings.all()), (1,)),
                empty=_("Keine Angaben.")),
        ))
        documents.append(record_document(kind="nachweis", pk=report.pk, record=record,
                                         doc_kind=str(report.get_kind_display()),
                                         author=_role(report.submitted_by)))
        if report.narrative:
            data = stored_bytes(report.narrative.name, report.narrative_sha256, report.narrative_name or title)
            documents.append(stored_document(
                kind="sachbericht", pk=report.pk, title=_("Sachbericht zum %(report)s") % {"report": title},
                doc_kind=_("Sachbericht"), dated=dated, data=data, original_name=report.narrative_name,
                author=_role(report.submitted_by), received=True))
    return Process(object_id("vorgang-nachweise", award.pk), _("Verwendungsnachweise"), _("Verwendungsnachweis"),
                   documents, start=local_day(reports[0].created_at))


def _reclaims_process(award: Award, ref: str) -> Process | None:
    reclaims = list(Reclaim.objects.filter(award=award)
                    .select_related("award_year__budget", "proposed_by", "decided_by", "notice")
                    .prefetch_related("repayments", "notice__deliveries").order_by("proposed_at", "pk"))
    if not reclaims:
        return None
    documents = []
    for reclaim in reclaims:
        proposed = local_day(reclaim.proposed_at)
        assert proposed is not None
        repayments = tuple((format_date(r.received_on), format_eur(r.amount), r.reference or "–")
                           for r in reclaim.repayments.all())
        record = Record(_("Rückforderung %(pk)s (Haushaltsjahr %(year)s)") % {"pk": reclaim.pk,
                                                                             "year": reclaim.award_year.year},
                        ref, proposed, (
            Section(_("Rückforderung"), fields=(
                (_("Grund"), str(reclaim.get_ground_display())),
                (_("Erstattungsbetrag"), format_eur(reclaim.principal)),
                (_("Begründung"), reclaim.reason),
                (_("Verzinsung ab"), format_date(reclaim.interest_from)),
                (_("Zinsen nicht geltend gemacht"), _("ja") if reclaim.interest_waived else _("nein")),
                (_("Status"), str(reclaim.get_status_display())),
                (_("vorgeschlagen"), f"{format_date(reclaim.proposed_at)}, {_role(reclaim.proposed_by)}"),
                (_("entschieden"), f"{format_date(reclaim.decided_at)}, {_role(reclaim.decided_by)}"
                 if reclaim.decided_at else "–"),
                (_("Abwägung"), reclaim.weighing or "–"),
                (_("zu zahlen bis"), format_date(reclaim.due_on) if reclaim.due_on else "–"),
                (_("Grund der Verwerfung"), reclaim.discard_reason or "–"),
            )),
            Section(_("Rückzahlungen"), table=Table((_("eingegangen am"), _("Betrag"), _("Buchungszeichen")),
                                                    repayments, (1,)), empty=_("Keine Rückzahlungen.")),
        ))
        documents.append(record_document(kind="rueckforderung", pk=reclaim.pk, record=record,
                                         doc_kind=_("Rückforderungsvermerk")))
        hearing = getattr(reclaim, "hearing", None)
        if hearing is not None:
            data = checked_bytes(bytes(hearing.pdf or b""), hearing.sha256, _("Anhörungsschreiben"))
            documents.append(stored_document(
                kind="anhoerung", pk=hearing.pk, title=_("Anhörungsschreiben vom %(date)s")
                % {"date": format_date(hearing.letter_date)}, doc_kind=_("Anhörungsschreiben"),
                dated=hearing.letter_date, data=data, author=_role(hearing.sent_by), created_at=hearing.sent_at,
                sent=True))
            if hearing.answer_pdf:
                answered = local_day(hearing.answered_at) or hearing.letter_date
                data = stored_bytes(hearing.answer_pdf.name, hearing.answer_pdf_sha256, hearing.answer_pdf_name)
                documents.append(stored_document(
                    kind="stellungnahme", pk=hearing.pk, title=_("Stellungnahme zur Anhörung"),
                    doc_kind=_("Stellungnahme"), dated=answered, data=data, original_name=hearing.answer_pdf_name,
                    author=_role(hearing.answered_by), created_at=hearing.answered_at, received=True))
        if reclaim.notice is not None:
            documents.append(_notice_document(reclaim.notice))
    return Process(object_id("vorgang-rueckforderungen", award.pk), _("Rückforderungen"), _("Rückforderung"),
                   documents, start=local_day(reclaims[0].proposed_at))


def _amendments_process(award: Award, ref: str) -> Process | None:
    requests = list(AmendmentRequest.objects.filter(award=award)
                    .select_related("created_by", "recommended_by", "decided_by", "notice", "revision")
                    .prefetch_related("notice__deliveries").order_by("number"))
    if not requests:
        return None
    documents = []
    for request in requests:
        created = local_day(request.submitted_at) or local_day(request.created_at)
        assert created is not None
        record = Record(_("Änderungsantrag %(number)s") % {"number": request.number}, ref, created, (
            Section(_("Änderungsantrag"), fields=(
                (_("Status"), str(request.get_status_display())),
                (_("Begründung"), request.reason or "–"),
                (_("beantragtes Ende des Bewilligungszeitraums"), format_date(request.period_end)),
                (_("eingereicht am"), format_date(request.submitted_at) if request.submitted_at else "–"),
                (_("Rückfragen der Sachbearbeitung"), request.review_note or "–"),
                (_("empfohlen"), f"{format_date(request.recommended_at)}, {_role(request.recommended_by)}"
                 if request.recommended_at else "–"),
                (_("Vermerk zur Empfehlung"), request.recommendation_note or "–"),
                (_("entschieden"), f"{format_date(request.decided_at)}, {_role(request.decided_by)}"
                 if request.decided_at else "–"),
                (_("Begründung der Entscheidung"), request.decision_reason or "–"),
                (_("ergibt Fassung"), str(request.revision.number) if request.revision else "–"),
            )),
            *_plan_sections(request.plan, _("Beantragter Finanzierungsplan")),
        ))
        documents.append(record_document(kind="aenderungsantrag", pk=request.pk, record=record,
                                         doc_kind=_("Änderungsantrag"), author=_role(request.created_by)))
        if request.notice is not None:
            documents.append(_notice_document(request.notice))
    return Process(object_id("vorgang-aenderungen", award.pk), _("Änderungsanträge"), _("Änderungsantrag"),
                   documents, start=local_day(requests[0].created_at))


def _history_process(application: Application, ref: str, until: date) -> Process:
    entries = list(AuditEntry.objects.filter(case_id=application.pk).select_related("actor")
                   .order_by("created_at", "pk"))
    rows = tuple((format_datetime(row["created_at"]), _person(row["actor"]), str(row["kind_label"]),
                  str(row["label"]), " · ".join(part for part in (str(row["status_change"] or ""),
                                                                 str(row["text"] or "")) if part))
                 for row in timeline_rows(entries))
    record = Record(_("Verlauf (Protokoll der Akte)"), ref, until, (
        Section(_("Einträge"), table=Table((_("Zeitpunkt"), _("durch"), _("Bereich"), _("Ereignis"), _("Details")),
                                           rows), empty=_("Keine Einträge.")),
    ))
    first = local_day(entries[0].created_at) if entries else None
    return Process(object_id("vorgang-verlauf", application.pk), _("Verlauf"), _("Protokoll"),
                   [record_document(kind="verlauf", pk=application.pk, record=record, doc_kind=_("Protokoll"))],
                   start=first, end=until)


def case_file(application: Application, *, today: date, progress: Progress | None = None) -> CaseFile:
    """The whole file of the application (and its grant), ready for the message. `progress`
    hears the name of each Vorgang as it is assembled."""
    report = progress or (lambda step: None)
    application = (Application.objects.select_related("municipality", "programme__issuing_authority", "created_by")
                   .get(pk=application.pk))
    if not application.file_reference:
        raise DomainError(_("Ein Entwurf hat noch kein Aktenzeichen und keine Akte, die abgegeben werden könnte."))
    ref = application.file_reference
    award = Award.objects.filter(application=application).first()
    builders: list[tuple[str, Callable[[], Process | None]]] = [
        (_("Antrag"), lambda: _application_process(application, ref)),
        (_("Bewilligung und Bescheide"), lambda: _decision_process(application, award, ref)),
    ]
    if award is not None:
        builders += [
            (_("Mittelabrufe und Auszahlungen"), lambda: _payments_process(award, ref)),
            (_("Verwendungsnachweise"), lambda: _proofs_process(award, ref)),
            (_("Rückforderungen"), lambda: _reclaims_process(award, ref)),
            (_("Änderungsanträge"), lambda: _amendments_process(award, ref)),
        ]
    closed_on = local_day(award.closed_at) if award is not None and award.closed_at else None
    builders.append((_("Verlauf"), lambda: _history_process(application, ref, closed_on or today)))
    processes = []
    for label, build in builders:
        report(label)
        process = build()
        if process is not None:
            processes.append(process)
    authority = application.programme.issuing_authority
    started = local_day(application.created_at)  # the Akte's Laufzeit covers every Vorgang
    assert started is not None
    return CaseFile(
        id=object_id("akte", application.pk), application_id=application.pk, file_reference=ref,
        title=application.title, body=application.municipality.recipient_body, programme=str(application.programme),
        authority=authority.name, authority_unit=authority.unit, start=started, end=closed_on, closed_on=closed_on,
        grant_period=format_period(award.period_start, award.period_end) if award else "",
        note=_("Zuwendung an %(body)s, Förderperiode %(programme)s%(period)s.") % {
            "body": application.municipality.recipient_body, "programme": application.programme,
            "period": (_(", Bewilligungszeitraum %(period)s") % {"period": format_period(award.period_start,
                                                                                         award.period_end)})
            if award else ""},
        processes=processes)
