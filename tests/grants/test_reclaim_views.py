"""Rückforderung views: propose from the check page, list and detail for the ministry, issue,
discard, book repayments, the panel on the application page, the Basiszinssatz page. The
permitted role succeeds; a coordinator of another body gets 404, a wrong role 403; bad input
shows a German message beside the field and saves nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from grants.models import BaseRate, Notice, Reclaim, ReclaimRepayment, UsageReport

# Shared fixtures (autouse: the clock at TODAY) and helpers.
from tests.grants.reclaim_fixtures import (  # noqa: F401
    TODAY,
    at,
    award,
    award_with_notice,
    fixed,
    frozen_clock,
    hear,
    issued,
    pay,
    propose,
    proposed,
    report,
    submitted_interim,
)
from tests.grants.views import error_beside

# Every test here may write files: into a temporary directory (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("private_storage")

M = Decimal
RS = Reclaim.Status


def login(client, user):
    client.force_login(user)
    return client


def propose_data(report, **changes):
    data = {"award_year": report.award.years.get(budget__year=2023).pk, "ground": "nicht_verwendet",
            "principal": "10.000,00", "interest_from": "02.01.2023", "reason": "Stelle unbesetzt."}
    data.update(changes)
    return data


# -- propose -----------------------------------------------------------------------------------


def test_check_page_offers_the_reclaim_action(client, clerk, report):
    response = login(client, clerk).get(reverse("grants:usage_report_check", args=[report.pk]))
    assert reverse("grants:reclaim_propose", args=[report.pk]) in response.content.decode()


def test_propose_form_shows_the_suggestion_and_defaults(client, clerk, report):
    response = login(client, clerk).get(reverse("grants:reclaim_propose", args=[report.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    # Festbetrag 100.000 (2023), eligible 105.000 ≥ paid 20.000 → nothing to refund
    assert "Vorschlag nach der Finanzierungsart (Festbetragsfinanzierung): 0,00 €" in page
    assert "Berechnung des Vorschlags (Haushaltsjahr 2023)" in page and "20.000,00 €" in page
    assert 'value="02.01.2023"' in page  # the last payment of 2023


def test_clerk_proposes_a_reclaim(client, clerk, report):
    response = login(client, clerk).post(reverse("grants:reclaim_propose", args=[report.pk]), propose_data(report))
    reclaim = Reclaim.objects.get()
    assert response.status_code == 302 and response.url == reverse("grants:reclaim_detail", args=[reclaim.pk])
    assert reclaim.principal == M("10000.00") and reclaim.status == RS.PROPOSED
    report.refresh_from_db()
    assert report.status == UsageReport.Status.ACCEPTED


def test_too_high_principal_is_shown_beside_the_field_and_nothing_is_saved(client, clerk, report):
    response = login(client, clerk).post(reverse("grants:reclaim_propose", args=[report.pk]),
                                         propose_data(report, principal="20.000,01"))
    assert response.status_code == 200
    assert "höchstens 20.000,00 €" in error_beside(response, "id_principal")
    assert Reclaim.objects.count() == 0
    report.refresh_from_db()
    assert report.status == UsageReport.Status.SUBMITTED


def test_unreadable_input_is_refused_in_german(client, clerk, report):
    response = login(client, clerk).post(reverse("grants:reclaim_propose", args=[report.pk]),
                                         propose_data(report, principal="zehn", interest_from="31.02.2023", reason=""))
    assert response.status_code == 200
    assert "kein gültiger Betrag" in error_beside(response, "id_principal")
    assert "TT.MM.JJJJ" in error_beside(response, "id_interest_from")
    assert "Bitte begründen Sie" in error_beside(response, "id_reason")
    assert Reclaim.objects.count() == 0


def test_coordinator_cannot_propose(client, coordinator_a, report):
    response = login(client, coordinator_a).get(reverse("grants:reclaim_propose", args=[report.pk]))
    assert response.status_code == 403


# -- list and detail ---------------------------------------------------------------------------


def test_ministry_lists_reclaims_with_status_filter(client, clerk, proposed):
    login(client, clerk)
    response = client.get(reverse("grants:reclaim_list"))
    assert response.status_code == 200 and "10.000,00 €" in response.content.decode()
    filtered = client.get(reverse("grants:reclaim_list"), {"status": "erledigt"})
    assert "Keine Rückforderungen" in filtered.content.decode()


def test_coordinator_cannot_open_the_list(client, coordinator_a, proposed):
    assert login(client, coordinator_a).get(reverse("grants:reclaim_list")).status_code == 403


def test_detail_shows_the_interest_tables_and_the_stale_warning(client, approver2, proposed):
    response = login(client, approver2).get(reverse("grants:reclaim_detail", args=[proposed.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="zinsen-heute"' in page and 'id="zinsen-faelligkeit"' in page
    assert "326,47 €" in page and "947,78 €" in page  # interest until the due date 31.03.2024
    assert 'id="basiszins-warnung"' not in page  # the table (until 01.07.2025) covers March 2024
    assert reverse("grants:reclaim_preview", args=[proposed.pk]) in page


def test_detail_warns_when_the_base_rate_may_be_missing(client, approver2, proposed):
    BaseRate.objects.filter(valid_from__gte=date(2024, 1, 1)).delete()
    page = login(client, approver2).get(reverse("grants:reclaim_detail", args=[proposed.pk])).content.decode()
    assert ("Der Basiszinssatz ist zuletzt zum 01.07.2023 erfasst; bitte prüfen, ob er sich zum 01.01.2024 "
            "geändert hat.") in page


def test_proposer_sees_the_issue_button_disabled(client, report, approver):
    reclaim = propose(report, approver)
    page = login(client, approver).get(reverse("grants:reclaim_detail", args=[reclaim.pk])).content.decode()
    assert 'id="vier-augen"' in page and "disabled" in page


def test_preview_is_a_draft_pdf(client, approver2, proposed):
    response = login(client, approver2).get(reverse("grants:reclaim_preview", args=[proposed.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert Notice.objects.filter(kind=Notice.Kind.RECLAIM).count() == 0


def test_second_person_issues_from_the_detail_page(client, approver2, proposed):
    hear(proposed, approver2)
    response = login(client, approver2).post(reverse("grants:reclaim_issue", args=[proposed.pk]),
                                              {"weighing": "Die Stellungnahme ändert nichts.", "bestaetigt": "1"})
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.status == RS.ISSUED
    page = client.get(reverse("grants:reclaim_detail", args=[proposed.pk])).content.decode()
    assert reverse("grants:notice_download", args=[proposed.notice.pk]) in page


def test_detail_form_leads_to_the_confirmation_which_keeps_the_weighing_and_issues_nothing(client, approver2,
                                                                                          proposed, body_a):
    hear(proposed, approver2)
    response = login(client, approver2).post(reverse("grants:reclaim_issue", args=[proposed.pk]),
                                              {"weighing": "Die Stellungnahme ändert nichts."})
    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    summary = page[page.index('id="bestaetigung"'):]
    assert body_a.display_name in summary and "10.000,00 €" in summary and "2023" in summary
    assert "zu zahlen bis" in summary and "Rückforderungsbescheid als PDF erzeugt" in summary
    assert "Die Stellungnahme ändert nichts.</textarea>" in page
    assert 'name="bestaetigt" value="1"' in page and 'data-busy="Rückforderungsbescheid wird erzeugt …"' in page
    proposed.refresh_from_db()
    assert proposed.status == RS.PROPOSED
    assert not Notice.objects.filter(kind=Notice.Kind.RECLAIM).exists()


def test_confirmed_reclaim_sent_twice_issues_one_notice(client, approver2, proposed):
    hear(proposed, approver2)
    form = {"weighing": "Die Stellungnahme ändert nichts.", "bestaetigt": "1",
            "form_token": "festsetzen-einmal-0123456789"}
    first = login(client, approver2).post(reverse("grants:reclaim_issue", args=[proposed.pk]), form)
    second = client.post(reverse("grants:reclaim_issue", args=[proposed.pk]), form)
    assert first.status_code == second.status_code == 302
    assert Notice.objects.filter(kind=Notice.Kind.RECLAIM).count() == 1
    proposed.refresh_from_db()
    assert proposed.status == RS.ISSUED


def test_other_body_cannot_open_the_reclaim_confirmation(client, coordinator_b, proposed):
    response = login(client, coordinator_b).get(reverse("grants:reclaim_issue", args=[proposed.pk]))
    assert response.status_code in (403, 404)
    proposed.refresh_from_db()
    assert proposed.status == RS.PROPOSED


def test_proposer_issuing_gets_a_message_not_a_500(client, report, approver):
    reclaim = propose(report, approver)
    response = login(client, approver).post(reverse("grants:reclaim_issue", args=[reclaim.pk]), follow=True)
    assert "Vier-Augen-Prinzip" in response.content.decode()
    reclaim.refresh_from_db()
    assert reclaim.status == RS.PROPOSED


def test_discard_without_reason_shows_the_error(client, approver2, proposed):
    response = login(client, approver2).post(reverse("grants:reclaim_discard", args=[proposed.pk]), {"reason": ""})
    assert response.status_code == 200
    assert "warum die Rückforderung verworfen wird" in error_beside(response, "id_reason")
    proposed.refresh_from_db()
    assert proposed.status == RS.PROPOSED


def test_discard(client, approver2, proposed):
    login(client, approver2).post(reverse("grants:reclaim_discard", args=[proposed.pk]), {"reason": "Belege da."})
    proposed.refresh_from_db()
    assert proposed.status == RS.DISCARDED


def test_book_repayment_and_overpayment_refused(client, clerk, fixed):
    login(client, clerk)
    url = reverse("grants:reclaim_repayment", args=[fixed.pk])
    too_much = client.post(url, {"received_on": "01.03.2024", "amount": "99.999,00", "reference": ""})
    assert too_much.status_code == 200
    assert "mehr kann nicht gebucht werden" in error_beside(too_much, "id_amount")
    assert ReclaimRepayment.objects.count() == 0
    ok = client.post(url, {"received_on": "01.03.2024", "amount": "1.000,00", "reference": "RZ-7"})
    assert ok.status_code == 302
    assert ReclaimRepayment.objects.get().amount == M("1000.00")


# -- coordinators ------------------------------------------------------------------------------


def test_coordinator_sees_the_fixed_reclaim_on_the_application_page(client, coordinator_a, fixed):
    login(client, coordinator_a)
    page = client.get(reverse("grants:application_detail", args=[fixed.award.application.pk])).content.decode()
    assert 'id="rueckforderungen"' in page and fixed.notice.number in page
    assert client.get(reverse("grants:reclaim_detail", args=[fixed.pk])).status_code == 200


def test_coordinator_does_not_see_a_mere_proposal(client, coordinator_a, proposed):
    login(client, coordinator_a)
    page = client.get(reverse("grants:application_detail", args=[proposed.award.application.pk])).content.decode()
    assert 'id="rueckforderungen"' not in page
    assert client.get(reverse("grants:reclaim_detail", args=[proposed.pk])).status_code == 404


def test_coordinator_of_another_body_gets_404(client, coordinator_b, fixed):
    login(client, coordinator_b)
    assert client.get(reverse("grants:reclaim_detail", args=[fixed.pk])).status_code == 404
    assert client.get(reverse("grants:notice_download", args=[fixed.notice.pk])).status_code == 404


@pytest.mark.parametrize(("name", "data"), [
    ("reclaim_preview", None), ("reclaim_issue", {}), ("reclaim_discard", {"reason": "Nein."}),
])
def test_only_signing_authority_previews_fixes_or_discards(client, clerk, coordinator_a, proposed, name, data):
    url = reverse(f"grants:{name}", args=[proposed.pk])
    for user in (clerk, coordinator_a):  # the clerk lacks signing authority, the body is not the ministry
        login(client, user)
        response = client.get(url) if data is None else client.post(url, data)
        assert response.status_code == 403
    proposed.refresh_from_db()
    assert proposed.status == RS.PROPOSED and proposed.notice is None


def test_coordinator_cannot_book_a_repayment(client, coordinator_a, fixed):
    response = login(client, coordinator_a).post(reverse("grants:reclaim_repayment", args=[fixed.pk]),
                                                 {"received_on": "01.03.2024", "amount": "100,00"})
    assert response.status_code == 403
    assert not ReclaimRepayment.objects.exists()


def test_anonymous_is_sent_to_login(client, fixed):
    response = client.get(reverse("grants:reclaim_detail", args=[fixed.pk]))
    assert response.status_code == 302 and "/konto/login/" in response.url


# -- Basiszinssatz -----------------------------------------------------------------------------


def test_programme_administration_adds_a_base_rate(client, programme_admin):
    login(client, programme_admin)
    url = reverse("grants:base_rate_list")
    assert client.get(url).status_code == 200
    response = client.post(url, {"valid_from": "01.07.2027", "rate": "1,27", "source": "Bundesbank"})
    assert response.status_code == 302
    assert BaseRate.objects.get(valid_from=date(2027, 7, 1)).rate == M("1.27")


def test_base_rate_on_a_wrong_day_is_refused_beside_the_field(client, programme_admin):
    response = login(client, programme_admin).post(reverse("grants:base_rate_list"),
                                                   {"valid_from": "15.01.2026", "rate": "-0,5", "source": ""})
    assert response.status_code == 200
    assert "nur zum 1. Januar und zum 1. Juli" in error_beside(response, "id_valid_from")
    assert not BaseRate.objects.filter(valid_from=date(2026, 1, 15)).exists()


def test_clerk_cannot_keep_base_rates(client, clerk):
    assert login(client, clerk).get(reverse("grants:base_rate_list")).status_code == 403


def test_overdue_repayments_on_the_start_page_link_to_exactly_those_reclaims(client, clerk, fixed):
    """"Überfällige Rückzahlungen" counts the fixed reclaims past their payment date; "Alle …
    anzeigen" opens the reclaim list filtered on "Zahlung: überfällig", which shows those and no
    other (before the payment date the same reclaim is on the list, not on the filtered one)."""
    from grants.selectors.todo import todo_for

    login(client, clerk)
    before = fixed.due_on
    with at(before):
        assert "rueckzahlung" not in {group.kind for group in todo_for(clerk, today=before)}
        assert f'id="rueckforderung-{fixed.pk}"' in client.get(reverse("grants:reclaim_list")).content.decode()
        filtered = client.get(reverse("grants:reclaim_list"), {"payment": "ueberfaellig"}).content.decode()
        assert "Keine Rückforderungen" in filtered

    after = date.fromordinal(fixed.due_on.toordinal() + 1)
    with at(after):
        [group] = [group for group in todo_for(clerk, today=after) if group.kind == "rueckzahlung"]
        assert group.total == 1 and group.list_url == reverse("grants:reclaim_list") + "?payment=ueberfaellig"
        page = client.get(group.list_url).content.decode()
    assert "1 Rückforderung" in page and f'id="rueckforderung-{fixed.pk}"' in page


def test_an_unknown_payment_filter_is_named_and_the_list_still_shows(client, clerk, fixed):
    response = login(client, clerk).get(reverse("grants:reclaim_list"), {"payment": "bald"})
    assert response.status_code == 200
    assert "bald ist keine gültige Auswahl" in error_beside(response, "id_payment")
    assert f'id="rueckforderung-{fixed.pk}"' in response.content.decode()
