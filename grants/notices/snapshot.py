"""Every datum a notice prints, gathered once when it is issued.

The snapshot is plain JSON (dates ISO, amounts as strings with two decimals) and is stored
with the notice. The PDF is rendered from it alone, so what a notice says never depends on
data that changes later (a body's new address, a renamed ministry, a changed plan).
"""

from datetime import date, timedelta

from django.utils import timezone

from core.formats import format_decimal
from core.money import ZERO, amount_in_words, format_eur, to_money
from grants.interest import balance_as_of
from grants.models import Application, EarlyStartConsent, Notice, ReclaimHearing
from grants.models.programmes import FinancingType
from grants.plan.caps import programme_caps
from grants.selectors.awards import award_total
from grants.selectors.deadlines import report_deadlines
from grants.selectors.reclaims import base_rate_table, reduced_grant

KIND_TITLES: dict[str, str] = {
    Notice.Kind.AWARD: "Zuwendungsbescheid",
    Notice.Kind.REJECTION: "Ablehnungsbescheid",
    Notice.Kind.AMENDMENT: "Änderungsbescheid",
    Notice.Kind.RECLAIM: "Rückforderungsbescheid",
}


def _money(value) -> str:
    return str(to_money(value))


def _iban(value: str) -> str:
    """An IBAN as printed: in groups of four (DIN 5008), e.g. DE89 3704 0044 0532 0130 00."""
    compact = "".join(value.split()).upper()
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))


def _authority(programme, issued_on: date) -> dict:
    """The authority as it was on the notice date: a dated name (AuthorityName) valid on
    `issued_on` wins over the authority's current name."""
    a = programme.issuing_authority
    dated = a.names.filter(valid_from__lte=issued_on).order_by("-valid_from").first()
    name, unit = (dated.name, dated.unit or a.unit) if dated is not None else (a.name, a.unit)
    return {
        "name": name, "unit": unit, "acting_for": a.acting_for, "street": a.street,
        "postal_code": a.postal_code, "city": a.city, "contact_name": a.contact_name,
        "contact_phone": a.contact_phone, "contact_email": a.contact_email, "website": a.website,
    }


def _programme(programme) -> dict:
    return {
        "code": programme.code, "name": programme.name,
        "period_start": programme.period_start.isoformat(), "period_end": programme.period_end.isoformat(),
        "legal_basis": programme.legal_basis,
        "financing_type": programme.get_financing_type_display(),
        "grant_type": programme.grant_type, "grant_form": programme.grant_form,
        "general_conditions": programme.general_conditions,
        "special_conditions": [line.strip() for line in programme.special_conditions.splitlines() if line.strip()],
        "funds_use_months": programme.funds_use_months,
    }


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _legal(programme, *, multi_year: bool) -> dict:
    """The parts of a complete notice that are programme data: legal basis and guideline, no
    legal claim, budget line, commitment appropriation (multi-year awards only), unspent annual
    amounts, the plan's leeway, the caps (from the cost categories the plan rules apply), the
    exclusions, the conditions for passing money on, and the general conditions in the fixed
    version attached as an Anlage."""
    version = programme.general_conditions_version
    return {
        "basis": programme.legal_basis,
        "guideline": {"title": programme.guideline_title,
                      "date": programme.guideline_date.isoformat() if programme.guideline_date else None,
                      "publication": programme.guideline_publication},
        "no_legal_claim": programme.no_legal_claim,
        "budget_line": programme.budget_line,
        "commitment_note": programme.commitment_note if multi_year else "",
        "unspent_funds": programme.unspent_funds_note,
        "plan_deviation_percent": str(programme.plan_deviation_percent),
        "caps": programme_caps(programme),
        "max_grant": _money(programme.max_grant_per_applicant) if programme.max_grant_per_applicant else None,
        "exclusions": _lines(programme.exclusions),
        "third_party_conditions": _lines(programme.third_party_conditions),
        "conditions_version": None if version is None else {
            "short_name": version.short_name, "title": version.title,
            "version_date": version.version_date.isoformat(), "source": version.source, "text": version.text},
    }


def _early_start(application: Application) -> dict | None:
    try:
        consent = application.early_start_consent
    except EarlyStartConsent.DoesNotExist:
        return None
    return {"consented_on": consent.consented_on.isoformat(), "consented_by": consent.consented_by,
            "allowed_from": consent.allowed_from.isoformat()}


def _cut(application: Application, awarded_total) -> dict | None:
    """A cut award (less than requested): the amounts and the reasons (§ 39 Abs. 1 HVwVfG), from
    the recommendation's justification, else the decision's reason."""
    requested = sum((f.amount for f in application.financings.filter(source="zuwendung")), ZERO)
    if awarded_total >= requested:
        return None
    decision = getattr(application, "decision", None)
    reason = ""
    if decision is not None:
        recommendation = decision.recommendation
        reason = (recommendation.justification if recommendation else "") or decision.reason
    return {"requested_total": _money(requested), "requested_display": format_eur(requested),
            "difference_display": format_eur(requested - awarded_total), "reason": reason}


def _recipient(municipality) -> dict:
    court = municipality.administrative_court
    return {
        # Every recipient is a Gebietskörperschaft, a public-law body: it must file electronically (§ 55d VwGO).
        "public_body": True,
        "name": municipality.display_name, "body": municipality.recipient_body, "ags": municipality.ags,
        "kind": municipality.get_kind_display(), "address_lines": municipality.address_lines,
        "court": {"name": court.name, "street": court.street, "postal_code": court.postal_code, "city": court.city},
    }


# The Finanzierungsart as printed and what follows from it for the grant (VV Nr. 2 zu § 44 LHO;
# the reduction after the award: Nr. 2.1 ANBest-GK). Printed German, like every notice text.
FINANCING_CONSEQUENCES = {
    FinancingType.FESTBETRAG: (
        "Die Zuwendung wird als Festbetrag von {total} gewährt (VV Nr. 2 zu § 44 LHO). Einsparungen bei den Ausgaben "
        "und weitere Einnahmen mindern sie nicht; sinken die zuwendungsfähigen Ausgaben unter den Festbetrag, "
        "ermäßigt sich die Zuwendung auf die Höhe der zuwendungsfähigen Ausgaben."),
    FinancingType.ANTEIL: (
        "Die Zuwendung beträgt {share} % der zuwendungsfähigen Ausgaben, höchstens {total} (VV Nr. 2 zu § 44 LHO). "
        "Sinken die zuwendungsfähigen Ausgaben, ermäßigt sich die Zuwendung anteilig (Nr. 2.1 ANBest-GK)."),
    FinancingType.FEHLBEDARF: (
        "Die Zuwendung deckt den Fehlbedarf, der nach Einsatz der Eigenmittel und der Mittel Dritter verbleibt, "
        "höchstens {total} und nicht mehr als die zuwendungsfähigen Ausgaben (VV Nr. 2 zu § 44 LHO). Jede "
        "Einsparung bei den Ausgaben und jede zusätzliche Einnahme mindert die Zuwendung in voller Höhe "
        "(Nr. 2.1 ANBest-GK)."),
    FinancingType.VOLL: (
        "Die Zuwendung deckt die gesamten zuwendungsfähigen Ausgaben, höchstens {total} (VV Nr. 2 zu § 44 LHO). "
        "Jede Einsparung bei den Ausgaben und jede Einnahme mindert die Zuwendung in voller Höhe "
        "(Nr. 2.1 ANBest-GK)."),
}
FINANCING_LABELS = {
    FinancingType.FESTBETRAG: "Festbetragsfinanzierung",
    FinancingType.ANTEIL: "Anteilfinanzierung",
    FinancingType.FEHLBEDARF: "Fehlbedarfsfinanzierung",
    FinancingType.VOLL: "Vollfinanzierung",
}


def _financing(award, total) -> dict:
    """The grant's Finanzierungsart (from the award: it may differ from the programme's) with the
    sentence that states its consequence."""
    share = format_decimal(award.financing_share) if award.financing_share is not None else None
    label = FINANCING_LABELS[award.financing_type]
    if share is not None:
        label = f"{label} ({share} % der zuwendungsfähigen Ausgaben)"
    return {
        "type": award.financing_type, "share": None if award.financing_share is None else str(award.financing_share),
        "label": label,
        "consequence": FINANCING_CONSEQUENCES[award.financing_type].format(total=format_eur(total), share=share),
    }


def _award(application: Application) -> dict:
    award = application.award
    years = [{"year": row.year, "amount": _money(row.amount)} for row in award.years.select_related("budget")]
    total = award_total(award)
    deadlines = report_deadlines(award)
    interim = [{"year": d.year, "due": d.due.isoformat()} for d in deadlines if d.year is not None]
    final_due = next(d.due for d in deadlines if d.year is None)
    return {
        "period_start": award.period_start.isoformat(), "period_end": award.period_end.isoformat(),
        "total": _money(total), "total_display": format_eur(total), "total_words": amount_in_words(total),
        "years": years, "plan": award.plan_snapshot,
        "interim_reports": interim, "final_report_due": final_due.isoformat(),
        "financing": _financing(award, total),
    }


def _reclaim(reclaim, *, number: str, issued_on: date, file_reference: str, refers_to: Notice | None) -> dict:
    """The Rückforderung: amount, ground and reason, the proof it comes from, the interest table
    from interest_from to the day before the due date (the base rates as recorded now), what
    is due by then, and the account and payment reference for the repayment."""
    programme = reclaim.award.application.programme
    authority = programme.issuing_authority
    due_on = reclaim.due_on or issued_on + timedelta(days=programme.reclaim_payment_days)
    rates = base_rate_table()
    # No repayment precedes the notice, so this is the interest on the full principal.
    owed = balance_as_of(principal=reclaim.principal, interest_from=reclaim.interest_from, as_of=due_on,
                         rates=rates, waived=reclaim.interest_waived)
    report = reclaim.usage_report
    proof = None
    if report is not None:
        proof = {"label": str(report), "submitted_on": report.submitted_at.date().isoformat()
                 if report.submitted_at else None}
    amendments = []
    if refers_to is not None:
        amendments = [{"number": n.number, "date": n.issued_on.isoformat()} for n in
                      Notice.objects.filter(award=reclaim.award_id, kind=Notice.Kind.AMENDMENT,
                                            issued_on__gte=refers_to.issued_on)
                      .defer("pdf", "snapshot").order_by("issued_on", "number")]
    latest_rate = rates[-1].valid_from.isoformat() if rates else None
    grant = reduced_grant(reclaim)
    hearing = ReclaimHearing.objects.filter(reclaim=reclaim.pk).defer("pdf", "answer_pdf", "snapshot").first()
    return {
        "principal": _money(reclaim.principal),
        "principal_display": format_eur(reclaim.principal),
        "principal_words": amount_in_words(reclaim.principal),
        "year": reclaim.award_year.year,
        "ground": reclaim.ground,
        "ground_label": str(reclaim.get_ground_display()),
        "reason": reclaim.reason,
        "proof": proof,
        "refers_to_number": refers_to.number if refers_to else None,
        "refers_to_date": refers_to.issued_on.isoformat() if refers_to else None,
        "amended_by": amendments,
        "interest_from": reclaim.interest_from.isoformat(),
        "interest_waived": reclaim.interest_waived,
        "interest_until": (due_on - timedelta(days=1)).isoformat(),
        "segments": [
            {"start": s.start.isoformat(), "end": s.end.isoformat(), "days": s.days, "year_days": s.year_days,
             "base_rate": str(s.base_rate), "base_rate_from": s.base_rate_from.isoformat(), "rate": str(s.rate),
             "principal": _money(s.principal), "interest": _money(s.interest)}
            for s in owed.segments
        ],
        "base_rates_used": [day.isoformat() for day in sorted({s.base_rate_from for s in owed.segments})],
        "base_rate_table_until": latest_rate,
        "interest_total": _money(owed.interest_accrued),
        "total_due": _money(owed.total_outstanding),
        "due_on": due_on.isoformat(),
        "account": {"payee": authority.payee or authority.name, "iban": _iban(authority.iban), "bic": authority.bic,
                    "bank_name": authority.bank_name},
        "payment_reference": f"{file_reference} {number}",
        # Since issue 10 (item 4): older snapshots lack these keys; the template prints them only
        # when present. The revocation takes effect from the day the money concerned became
        # interest-bearing, so that § 49a Abs. 3 Satz 1 HVwVfG interest and the effect agree.
        "effective_from": reclaim.interest_from.isoformat(),
        "award_total": _money(grant.award_total),
        "earlier_reclaims": _money(grant.earlier_reclaims),
        "reduced_total": _money(grant.reduced),
        "reduced_total_words": amount_in_words(grant.reduced),
        "facts_known_on": reclaim.facts_known_on.isoformat() if reclaim.facts_known_on else None,
        "hearing": {
            "letter_date": hearing.letter_date.isoformat(), "reply_due": hearing.reply_due.isoformat(),
            "answered_on": timezone.localdate(hearing.answered_at).isoformat() if hearing.answered_at else None,
            "late": hearing.answer_late,
        } if hearing is not None else None,
        "weighing": reclaim.weighing,
        "interest_waiver_reason": reclaim.interest_waiver_reason,
    }


def notice_snapshot(*, application: Application, kind: str, number: str, issued_on: date, signatory,
                    refers_to: Notice | None = None, ceremony=None, changes: str = "", reclaim=None) -> dict:
    """Build the snapshot for a notice of `kind` about `application`."""
    programme = application.programme
    snapshot = {
        "kind": kind,
        "title": KIND_TITLES[kind],
        "number": number,
        "issued_on": issued_on.isoformat(),
        "file_reference": application.file_reference,
        "authority": _authority(programme, issued_on),
        "programme": _programme(programme),
        "recipient": _recipient(application.municipality),
        "application": {
            "title": application.title, "purpose": application.purpose,
            "submitted_on": application.submitted_at.date().isoformat() if application.submitted_at else None,
            "period_start": application.period_start.isoformat(), "period_end": application.period_end.isoformat(),
            "requested_total": _money(sum((f.amount for f in application.financings.filter(source="zuwendung")), ZERO)),
        },
        "signatory": {"name": signatory.get_full_name() or signatory.get_username()},
        "ceremony": None,
        "award": None,
        "rejection": None,
        "amendment": None,
    }
    if ceremony is not None:
        snapshot["ceremony"] = {"date": ceremony.date.isoformat(), "place": ceremony.place,
                                "official_title": ceremony.official_title, "official_name": ceremony.official_name}
    award_data: dict | None = None
    if kind in (Notice.Kind.AWARD, Notice.Kind.AMENDMENT):
        award_data = snapshot["award"] = _award(application)
    snapshot["legal"] = _legal(programme, multi_year=bool(award_data and len(award_data["years"]) > 1))
    if kind == Notice.Kind.AWARD and award_data is not None:
        award_data["early_start"] = _early_start(application)
        award_data["cut"] = _cut(application, to_money(award_data["total"]))
    if kind == Notice.Kind.REJECTION:
        decision = application.decision
        snapshot["rejection"] = {"reason": decision.reason, "decided_on": decision.decided_at.date().isoformat(),
                                 "discretion": decision.discretion}
    if kind == Notice.Kind.AMENDMENT:
        assert refers_to is not None  # may_notice_issue: an Änderungsbescheid refers to an earlier notice
        snapshot["amendment"] = {"refers_to_number": refers_to.number,
                                 "refers_to_date": refers_to.issued_on.isoformat(), "changes": changes}
    if kind == Notice.Kind.RECLAIM:
        assert application.file_reference is not None  # awarded, so submitted: it has a file reference
        snapshot["reclaim"] = _reclaim(reclaim, number=number, issued_on=issued_on,
                                       file_reference=application.file_reference, refers_to=refers_to)
    return snapshot
