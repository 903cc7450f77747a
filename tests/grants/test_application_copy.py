"""Copying the body's application of the last period as a new draft (application_copy_from_previous),
and the one rule that decides where a body may start an application (application_start_options)."""

from datetime import date
from decimal import Decimal

import pytest

from audit.selectors import audit_entries_for
from core.errors import DomainError, NotPermitted
from grants.models import Application, ApplicationStatus, CostCategory
from grants.plan.lines import FinancingSource
from grants.policies.applications import application_start_options, programmes_open_to
from grants.services.applications import application_copy_from_previous, application_submit, attachment_add
from grants.services.plans import plan_lines
from tests import factories

S = ApplicationStatus


@pytest.fixture
def old_programme(db):
    """The period 2021–2025, closed for applications (opened just long enough to apply in it)."""
    return factories.make_programme(code="wir-2021", start=2021, end=2025)


def close(programme):
    programme.accepts_applications = False
    programme.save(update_fields=["accepts_applications"])


@pytest.fixture
def old_application(old_programme, programme, coordinator_a):
    """Body A's submitted application 2021–2025 with a PDF attached; 2026–2030 (`programme`) is open."""
    draft = factories.draft_application(old_programme, coordinator_a)
    attachment_add(application=draft, user=coordinator_a, name="Stellenplan.pdf", content=factories.PDF)
    application = application_submit(application=draft, user=coordinator_a)
    close(old_programme)
    return application


def test_copy_carries_texts_contact_period_and_plan_onto_the_new_years(old_application, programme, coordinator_a):
    copied = application_copy_from_previous(user=coordinator_a, programme=programme, source=old_application)
    application = copied.application

    assert (application.programme, application.municipality, application.status) == (
        programme, coordinator_a.municipality, S.DRAFT)
    assert application.file_reference is None and application.submitted_at is None
    assert application.title == old_application.title and application.purpose == old_application.purpose
    assert (application.contact_name, application.contact_email) == ("Jana Keller", "jana.keller@example.org")
    assert (application.period_start, application.period_end) == (date(2026, 1, 1), date(2030, 12, 31))
    expenditures, financings = plan_lines(application)
    assert sorted({e.year for e in expenditures}) == [2026, 2027, 2028, 2029, 2030]
    personal_2026 = next(e for e in expenditures if e.year == 2026 and e.category.code == "personal")
    assert (personal_2026.amount, personal_2026.positions) == (Decimal("118000.00"), Decimal("2.00"))
    assert personal_2026.category.programme_id == programme.pk  # the new period's cost category
    assert sorted((f.year, f.source, f.amount) for f in financings if f.year == 2030) == [
        (2030, FinancingSource.OWN_FUNDS, Decimal("30000.00")), (2030, FinancingSource.GRANT, Decimal("100000.00"))]
    assert copied.omitted == []


def test_copy_leaves_the_attachments_and_the_source_untouched(old_application, programme, coordinator_a):
    application = application_copy_from_previous(user=coordinator_a, programme=programme,
                                                 source=old_application).application

    assert not application.attachments.exists()
    old_application.refresh_from_db()
    assert old_application.status == S.SUBMITTED and old_application.attachments.count() == 1
    assert len(plan_lines(old_application)[0]) == 15


def test_copy_is_audited_with_its_source(old_application, programme, coordinator_a):
    application = application_copy_from_previous(user=coordinator_a, programme=programme,
                                                 source=old_application).application

    [entry] = audit_entries_for(application)
    assert (entry.actor, entry.action, entry.changes) == (
        coordinator_a, "grants.application.created", {"status": [None, "entwurf"]})
    assert entry.data["copied_from"] == {"application": old_application.pk, "file_reference": "WIR-21-0001",
                                         "programme": "wir-2021"}
    assert entry.data["plan"] == {"ausgaben": "650000.00", "zuwendung": "500000.00"}


def test_second_copy_is_refused_with_the_reason_and_makes_no_second_draft(old_application, programme,
                                                                           coordinator_a):
    application_copy_from_previous(user=coordinator_a, programme=programme, source=old_application)

    with pytest.raises(DomainError, match="besteht in der Förderperiode 2026–2030 bereits ein Antragsentwurf"):
        application_copy_from_previous(user=coordinator_a, programme=programme, source=old_application)

    assert Application.objects.filter(programme=programme).count() == 1


def test_other_body_cannot_copy_an_application(old_application, programme, coordinator_b):
    with pytest.raises(NotPermitted):
        application_copy_from_previous(user=coordinator_b, programme=programme, source=old_application)

    assert not Application.objects.filter(programme=programme).exists()


def test_only_an_application_of_an_earlier_period_can_be_copied(old_programme, programme, coordinator_a):
    later = factories.make_programme(code="wir-2031", start=2031, end=2035)
    source = factories.draft_application(later, coordinator_a)

    with pytest.raises(DomainError, match="nur ein Antrag aus einer früheren Förderperiode"):
        application_copy_from_previous(user=coordinator_a, programme=programme, source=source)


def test_copy_is_refused_when_the_new_period_takes_no_applications(old_application, programme, coordinator_a):
    close(programme)

    with pytest.raises(DomainError, match="nimmt keine Anträge an"):
        application_copy_from_previous(user=coordinator_a, programme=programme, source=old_application)


def test_a_shorter_project_moves_by_the_same_years_and_unknown_categories_are_named(
        old_programme, programme, coordinator_a):
    source = factories.draft_application(old_programme, coordinator_a, start=date(2022, 4, 1),
                                         end=date(2024, 9, 30))
    close(old_programme)
    CostCategory.objects.filter(programme=programme, code="mikroprojekte").delete()

    copied = application_copy_from_previous(user=coordinator_a, programme=programme, source=source)

    application = copied.application
    assert (application.period_start, application.period_end) == (date(2027, 4, 1), date(2029, 9, 30))
    expenditures, financings = plan_lines(application)
    assert sorted({e.year for e in expenditures} | {f.year for f in financings}) == [2027, 2028, 2029]
    assert "mikroprojekte" not in {e.category.code for e in expenditures}
    assert copied.omitted == ["Die Kostenart „Mikroprojekte“ gibt es in der neuen Förderperiode nicht; ihre "
                              "Beträge wurden nicht übernommen."]


def test_years_beyond_a_shorter_new_period_are_left_out_and_named(old_application, coordinator_a):
    short = factories.make_programme(code="wir-2026-kurz", start=2026, end=2028)

    copied = application_copy_from_previous(user=coordinator_a, programme=short, source=old_application)

    assert (copied.application.period_start, copied.application.period_end) == (date(2026, 1, 1),
                                                                                  date(2028, 12, 31))
    assert {e.year for e in plan_lines(copied.application)[0]} == {2026, 2027, 2028}
    assert copied.omitted == [
        "Die Beträge für 2024 liegen außerhalb des neuen Vorhabenzeitraums und wurden nicht übernommen.",
        "Die Beträge für 2025 liegen außerhalb des neuen Vorhabenzeitraums und wurden nicht übernommen."]


# --- where a body may start an application: one rule for the link, the page and the service -----


def test_start_options_name_the_live_application_as_the_reason(programme, coordinator_a, clerk):
    live = factories.in_review_application(programme, coordinator_a, clerk)

    [option] = application_start_options(coordinator_a)

    assert option.programme == programme and option.live == live and option.previous is None
    assert str(option.refusal) == ("Für Werra-Meißner-Kreis besteht in der Förderperiode 2026–2030 bereits der "
                                   "Antrag WIR-26-0001 (Status „In Prüfung“).")
    assert programmes_open_to(coordinator_a) == []


def test_start_options_offer_the_last_periods_application_to_copy(old_programme, old_application, programme,
                                                                  coordinator_a, coordinator_b):
    [option] = application_start_options(coordinator_a)
    assert (option.programme, option.refusal, option.previous) == (programme, None, old_application)
    assert programmes_open_to(coordinator_a) == [programme]

    [other] = application_start_options(coordinator_b)
    assert (other.refusal, other.previous) == (None, None)


def test_a_withdrawn_application_does_not_keep_the_body_from_starting_anew(programme, coordinator_a):
    from grants.services.applications import application_withdraw
    application_withdraw(application=factories.draft_application(programme, coordinator_a), user=coordinator_a)

    [option] = application_start_options(coordinator_a)

    assert option.refusal is None


def test_start_options_read_the_latest_earlier_period_not_the_bodys_whole_history(programme, coordinator_a,
                                                                                  coordinator_b):
    """Of a body that applied in three earlier periods, the option offers the latest to copy, and
    only that period's and the open period's applications are read (not the whole history)."""
    from grants.selectors.lists import body_applications_with_programmes

    earlier = {}
    for start in (2011, 2016, 2021):
        period = factories.make_programme(code=f"wir-{start}", start=start, end=start + 4)
        earlier[start] = factories.draft_application(period, coordinator_a)
        factories.draft_application(period, coordinator_b)  # another body's: never read for A
        close(period)

    [option] = application_start_options(coordinator_a)

    assert (option.programme, option.refusal, option.previous) == (programme, None, earlier[2021])
    assert body_applications_with_programmes(coordinator_a, [programme]) == [earlier[2021]]
    assert set(body_applications_with_programmes(coordinator_a)) == set(earlier.values())
