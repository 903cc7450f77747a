"""Plain builders for test data. They go through the services wherever a state is reached
by a transition, so a test's starting point is one the application could really be in."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from accounts.models import User
from core import clock
from grants.models import Budget, CostCategory, FundingProgramme, IssuingAuthority
from grants.plan.lines import ExpenditureLine, FinancingLine, FinancingSource
from grants.services.applications import application_create, application_submit
from grants.services.awards import application_approve
from grants.services.notices import notice_issue
from grants.services.plans import financing_plan_replace
from grants.services.reviews import application_recommend, application_start_review
from municipalities.models import Municipality

PASSWORD = "test-passwort-2026"
BERLIN = ZoneInfo("Europe/Berlin")


# The smallest real PDF (one empty A4 page, written by pypdf): uploads are parsed by a PDF parser
# and refused when they do not parse or have no page (core/uploads.py).
PDF = (b"%PDF-1.3\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<\n/Producer (pypdf)\n>>\nendobj\n2 0 obj\n<<\n/Type /Pages\n"
       b"/Count 1\n/Kids [ 4 0 R ]\n>>\nendobj\n3 0 obj\n<<\n/Type /Catalog\n/Pages 2 0 R\n>>\nendobj\n4 0 obj\n"
       b"<<\n/Type /Page\n/Resources <<\n>>\n/MediaBox [ 0.0 0.0 595 842 ]\n/Parent 2 0 R\n>>\nendobj\nxref\n"
       b"0 5\n0000000000 65535 f \n0000000015 00000 n \n0000000054 00000 n \n0000000113 00000 n \n"
       b"0000000162 00000 n \ntrailer\n<<\n/Size 5\n/Root 3 0 R\n/Info 1 0 R\n>>\nstartxref\n256\n%%EOF\n")

def at(day: date, hour: int = 10):
    """Run what follows on `day`: the clock frozen at `hour` o'clock, Berlin time."""
    return clock.frozen_at(datetime(day.year, day.month, day.day, hour, tzinfo=BERLIN))


def make_user(username: str, role: str, municipality: Municipality | None = None, **extra) -> User:
    return User.objects.create_user(
        username=username, password=PASSWORD, role=role, municipality=municipality,
        first_name=extra.pop("first_name", username.title()), last_name=extra.pop("last_name", "Test"),
        email=extra.pop("email", f"{username}@example.org"), **extra)


def make_authority() -> IssuingAuthority:
    return IssuingAuthority.objects.create(
        name="Hessisches Ministerium für Arbeit, Integration, Jugend und Soziales", unit="Referat II 5",
        street="Sonnenberger Straße 2/2a", postal_code="65193", city="Wiesbaden",
        contact_name="Erika Muster", contact_phone="0611 3219-0", contact_email="wir@example.org")


def make_programme(*, code="wir-2026", start=2026, end=2030, budget=Decimal("1000000.00"),
                   max_grant=Decimal("600000.00"), accepts=True, deadline=None) -> FundingProgramme:
    programme = FundingProgramme.objects.create(
        code=code, name="WIR – Vielfalt und Teilhabe", file_reference_prefix=f"WIR-{str(start)[2:]}",
        period_start=date(start, 1, 1), period_end=date(end, 12, 31), application_deadline=deadline,
        accepts_applications=accepts, issuing_authority=make_authority(), max_grant_per_applicant=max_grant)
    CostCategory.objects.create(programme=programme, code="personal", name="Personalausgaben WIR-Koordination",
                                position=1, counts_positions=True, max_positions=Decimal("2.00"),
                                cap_per_position=Decimal("60000.00"))
    CostCategory.objects.create(programme=programme, code="weitere-stelle", name="Personalausgaben weitere Stelle",
                                position=2, counts_positions=True, max_positions=Decimal("1.00"),
                                cap_per_year=Decimal("20000.00"), first_year=start + 1)
    CostCategory.objects.create(programme=programme, code="mikroprojekte", name="Mikroprojekte", position=3,
                                cap_per_year=Decimal("5000.00"))
    CostCategory.objects.create(programme=programme, code="sachausgaben", name="Sachausgaben", position=4,
                                is_fundable=False)
    if budget is not None:
        for year in range(start, end + 1):
            Budget.objects.create(programme=programme, year=year, amount=budget)
    return programme


def balanced_plan(programme: FundingProgramme, years, grant=Decimal("100000.00")):
    """Per year: 2.0 coordinators (118,000), micro-projects (5,000), material costs (7,000)
    = 130,000 €, financed by the grant and own funds. Fundable: 123,000 €."""
    categories = {c.code: c for c in programme.cost_categories.all()}
    expenditures, financings = [], []
    for year in years:
        expenditures += [
            ExpenditureLine(year, categories["personal"], Decimal("118000.00"), Decimal("2.00")),
            ExpenditureLine(year, categories["mikroprojekte"], Decimal("5000.00")),
            ExpenditureLine(year, categories["sachausgaben"], Decimal("7000.00")),
        ]
        financings += [
            FinancingLine(year, FinancingSource.GRANT, grant),
            FinancingLine(year, FinancingSource.OWN_FUNDS, Decimal("130000.00") - grant),
        ]
    return expenditures, financings


def draft_application(programme, coordinator, *, start=None, end=None, with_plan=True, grant=Decimal("100000.00")):
    start = start or programme.period_start
    end = end or programme.period_end
    application = application_create(
        user=coordinator, programme=programme, title=f"WIR-Vielfaltszentrum {coordinator.municipality}",
        purpose="Betrieb des WIR-Vielfaltszentrums", period_start=start, period_end=end,
        contact_name="Jana Keller", contact_email="jana.keller@example.org")
    if with_plan:
        expenditures, financings = balanced_plan(programme, range(start.year, end.year + 1), grant)
        financing_plan_replace(application=application, user=coordinator, expenditures=expenditures,
                               financings=financings)
    return application


def submitted_application(programme, coordinator, **kwargs):
    application = draft_application(programme, coordinator, **kwargs)
    return application_submit(application=application, user=coordinator)


def in_review_application(programme, coordinator, clerk, **kwargs):
    application = submitted_application(programme, coordinator, **kwargs)
    return application_start_review(application=application, user=clerk)


def recommended_application(programme, coordinator, clerk, amounts=None, justification="", **kwargs):
    application = in_review_application(programme, coordinator, clerk, **kwargs)
    if amounts is None:
        amounts = {year: kwargs.get("grant", Decimal("100000.00")) for year in application.years}
    application_recommend(application=application, user=clerk, amounts=amounts, justification=justification)
    application.refresh_from_db()
    return application


def approved_award(programme, coordinator, clerk, approver, *, on: date | None = None, early_start=True,
                   notice=True, **kwargs):
    """An approved award, decided now – or, with `on`, on that day (a notice may not be dated
    before the decision it carries). With `early_start` (default) the approver has consented to
    an early start (vorzeitiger Maßnahmebeginn) from the period's start, which a
    Zuwendungsbescheid dated after that start needs. With `notice` (default) its
    Zuwendungsbescheid is issued by the approver on the same day, as it must be before any money
    is called; `notice=False` for tests of the time between approval and notice, or that issue
    the notice themselves."""
    if on is not None:
        with at(on, 9):
            return approved_award(programme, coordinator, clerk, approver, early_start=early_start,
                                  notice=notice, **kwargs)
    application = recommended_application(programme, coordinator, clerk, **kwargs)
    if early_start:
        record_early_start(application, approver)
    award = application_approve(application=application, user=approver)
    if notice:
        issue_award_notice(award, approver)
    return award


def issue_award_notice(award, user, *, issued_on=None, ceremony=None):
    """The award's Zuwendungsbescheid, through the service (numbered, rendered, stored)."""
    from grants.models import Notice
    from grants.services.notices import notice_issue

    return notice_issue(application=award.application, kind=Notice.Kind.AWARD, user=user, issued_on=issued_on,
                        ceremony=ceremony)


def issue_notice(application, user, issued_on: date, kind: str = "zuwendung", **kwargs):
    """Issue a notice dated `issued_on` on that very day (its date may lie only a few days ahead)."""
    with at(issued_on, 11):
        return notice_issue(application=application, kind=kind, user=user, issued_on=issued_on, **kwargs)


def record_early_start(application, user, *, consented_on=None, consented_by="Das Ministerium, Referat II 5,"):
    from core import clock
    from grants.services.early_start import early_start_consent_record
    consented_on = consented_on or min(application.period_start, clock.today())
    return early_start_consent_record(application=application, user=user, consented_on=consented_on,
                                      consented_by=consented_by, allowed_from=application.period_start)

