"""The Basiszinssatz table as published by the Deutsche Bundesbank (§ 247 BGB) since 2013,
and revision 1 (the award as approved) for every existing award."""

from datetime import date
from decimal import Decimal

from django.db import migrations

SOURCE = "Deutsche Bundesbank, Bekanntmachung nach § 247 Abs. 2 BGB"

BASE_RATES = [
    (date(2013, 1, 1), "-0.13"), (date(2013, 7, 1), "-0.38"), (date(2014, 1, 1), "-0.63"),
    (date(2014, 7, 1), "-0.73"), (date(2015, 1, 1), "-0.83"), (date(2016, 7, 1), "-0.88"),
    (date(2023, 1, 1), "1.62"), (date(2023, 7, 1), "3.12"), (date(2024, 1, 1), "3.62"),
    (date(2024, 7, 1), "3.37"), (date(2025, 1, 1), "2.27"), (date(2025, 7, 1), "1.27"),
]


def seed(apps, schema_editor):
    BaseRate = apps.get_model("grants", "BaseRate")
    for valid_from, rate in BASE_RATES:
        BaseRate.objects.get_or_create(valid_from=valid_from, defaults={"rate": Decimal(rate), "source": SOURCE})
    Award = apps.get_model("grants", "Award")
    AwardRevision = apps.get_model("grants", "AwardRevision")
    for award in Award.objects.select_related("decision").prefetch_related("years__budget"):
        if AwardRevision.objects.filter(award=award).exists():
            continue
        AwardRevision.objects.create(
            award=award, number=1, period_start=award.period_start, period_end=award.period_end,
            amounts={str(row.budget.year): str(row.amount) for row in award.years.all()},
            plan_snapshot=award.plan_snapshot, created_at=award.created_at, created_by_id=award.decision.decided_by_id)


def unseed(apps, schema_editor):
    apps.get_model("grants", "AwardRevision").objects.filter(number=1).delete()
    apps.get_model("grants", "BaseRate").objects.filter(source=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("grants", "0007_reclaims_amendments_closing")]
    operations = [migrations.RunPython(seed, unseed)]
