"""The Anhörungsschreiben before a Rückforderungsbescheid (§ 28 HVwVfG), in the notice family:
same letterhead, DIN 5008 layout, fonts and render pipeline as the notices (grants/notices/
render.py), its own template (templates/notices/pdf/hearing.html).

It is not a Verwaltungsakt: it announces the intended partial revocation, the refund and the
interest, invites the body to comment by a deadline, and says that it decides nothing; it has no
notice number and no Rechtsbehelfsbelehrung. Like a notice it is printed from a plain-JSON
snapshot alone, which is stored with the bytes.
"""

from datetime import date

from django.template.loader import render_to_string

from core.formats import format_date, format_percent
from core.money import amount_in_words, format_eur, to_money
from grants.interest import SURCHARGE
from grants.notices.render import GENERATOR, _write_pdf
from grants.notices.snapshot import _authority, _money, _programme, _recipient
from grants.selectors.reclaims import base_rate_on, reduced_grant

KIND_HEARING = "anhoerung"
TITLE = "Anhörung nach § 28 HVwVfG"
# Both grounds the product knows (money not used, or not used for eligible expenditure) are
# cases of § 49 Abs. 3 Satz 1 Nr. 1 HVwVfG: the lawful award's money was not used for its purpose.
REVOCATION_NORM = "§ 49 Abs. 3 Satz 1 Nr. 1 HVwVfG"


def hearing_snapshot(*, reclaim, letter_date: date, reply_due: date, signatory, refers_to) -> dict:
    """Every datum the letter prints, as plain JSON."""
    application = reclaim.award.application
    programme = application.programme
    rate = base_rate_on(letter_date)
    grant = reduced_grant(reclaim)
    return {
        "kind": KIND_HEARING,
        "title": TITLE,
        "issued_on": letter_date.isoformat(),
        "file_reference": application.file_reference,
        "authority": _authority(programme, letter_date),
        "programme": _programme(programme),
        "recipient": _recipient(application.municipality),
        "application": {"title": application.title},
        "signatory": {"name": signatory.get_full_name() or signatory.get_username()},
        "hearing": {
            "reply_due": reply_due.isoformat(),
            "refers_to_number": refers_to.number if refers_to else None,
            "refers_to_date": refers_to.issued_on.isoformat() if refers_to else None,
            "norm": REVOCATION_NORM,
            "year": reclaim.award_year.year,
            "ground_label": str(reclaim.get_ground_display()),
            "reason": reclaim.reason,
            "principal": _money(reclaim.principal),
            "principal_words": amount_in_words(reclaim.principal),
            "effective_from": reclaim.interest_from.isoformat(),
            "award_total": _money(grant.award_total),
            "earlier_reclaims": _money(grant.earlier_reclaims),
            "reduced_total": _money(grant.reduced),
            "interest_from": reclaim.interest_from.isoformat(),
            "base_rate": str(rate.rate) if rate else None,
            "base_rate_from": rate.valid_from.isoformat() if rate else None,
            "interest_rate": str(rate.rate + SURCHARGE) if rate else None,
        },
    }


def _context(snapshot: dict, draft: bool) -> dict:
    authority = snapshot["authority"]
    h = snapshot["hearing"]
    rate = h.get("interest_rate")
    return {
        "s": snapshot, "draft": draft, "number": "",
        "document_title": f"{snapshot['title']} – {snapshot['file_reference']}",
        "description": (f"Anhörung vor einem Teilwiderruf und einer Rückforderung von {format_eur(h['principal'])} "
                        f"an {snapshot['recipient']['body']} (Aktenzeichen {snapshot['file_reference']})"),
        "keywords": ", ".join(k for k in (snapshot["title"], snapshot["programme"]["name"],
                                          snapshot["file_reference"], snapshot["recipient"]["name"]) if k),
        "issued_on_iso": snapshot["issued_on"], "issued_on": format_date(snapshot["issued_on"]),
        "generator": GENERATOR, "authority": authority,
        "return_parts": [part for part in (authority["name"], authority["street"],
                                           f"{authority['postal_code']} {authority['city']}".strip()) if part],
        "recipient": snapshot["recipient"], "programme": snapshot["programme"],
        "application": snapshot["application"], "signatory": snapshot["signatory"]["name"],
        "h": {
            **h,
            "reply_due": format_date(h["reply_due"]),
            "refers_to_date": format_date(h.get("refers_to_date")),
            "principal_display": format_eur(h["principal"]),
            "effective_from": format_date(h["effective_from"]),
            "award_total": format_eur(h["award_total"]),
            "earlier_reclaims": format_eur(h["earlier_reclaims"]) if to_money(h["earlier_reclaims"]) else "",
            "reduced_total": format_eur(h["reduced_total"]),
            "interest_from": format_date(h["interest_from"]),
            "base_rate": format_percent(h["base_rate"]) if h.get("base_rate") is not None else "",
            "base_rate_from": format_date(h.get("base_rate_from")),
            "interest_rate": format_percent(rate) if rate is not None else "",
        },
    }


def render_hearing_html(snapshot: dict, *, draft: bool = False) -> str:
    return render_to_string("notices/pdf/hearing.html", _context(snapshot, draft))


def render_hearing_pdf(snapshot: dict, *, draft: bool = False) -> bytes:
    """The letter as PDF/A-3b, from the snapshot alone (the same snapshot gives the same bytes)."""
    return _write_pdf(render_hearing_html(snapshot, draft=draft), "notice")
