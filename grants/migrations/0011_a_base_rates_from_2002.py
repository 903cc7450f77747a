"""The Basiszinssatz table complete from 1 January 2002 (the first value under § 247 BGB in the
version of the Schuldrechtsmodernisierungsgesetz, Art. 229 § 7 Abs. 3 EGBGB) to 1 January 2026:
one entry for every 1 January and 1 July, also where the rate did not change, so the table has
no gap and each half-year shows the published value.

Values as published by the Deutsche Bundesbank in the Bundesanzeiger (§ 247 Abs. 2 BGB), each
checked against a published source: the table in Prütting/Wegen/Weinreich, BGB, § 247 Rn. 3
(every value from 1.7.2002 to 1.1.2023) and tax advisers' / lawyers' tables for 2002–2011
(2,57 % from 1.1.2002); the Bundesbank's announcements for 1.1.2016 (-0,83 %, unchanged since
1.1.2015), 1.7.2016 (-0,88 %), 1.7.2019, 1.1.2021 (unchanged -0,88 %), 1.1.2023 (1,62 %),
1.7.2023 (3,12 %), 1.1.2024 (3,62 %) and 1.1.2026 (unchanged 1,27 %, as since 1.7.2025). 1.7.2024
(3,37 %) and 1.1.2025 (2,27 %) were in migration 0008 already; no published table for them was
found, they agree with § 247 Abs. 1 (the ECB main refinancing rate fell from 4,50 % to 4,25 % in
June 2024 and to 3,15 % by December 2024, and 3,15 − 2,15 = 2,27 − 1,27). 1.7.2026 is not included:
no published value could be checked; the programme administration records it on its page.

Only dates not yet in the table are inserted: an entry an administrator (or migration 0008)
recorded is never overwritten. Reversing removes only the rows this migration inserted.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

SOURCE = "Deutsche Bundesbank, Bekanntmachung gem. § 247 Abs. 2 BGB"

BASE_RATES = [
    (date(2002, 1, 1), "2.57"), (date(2002, 7, 1), "2.47"),
    (date(2003, 1, 1), "1.97"), (date(2003, 7, 1), "1.22"),
    (date(2004, 1, 1), "1.14"), (date(2004, 7, 1), "1.13"),
    (date(2005, 1, 1), "1.21"), (date(2005, 7, 1), "1.17"),
    (date(2006, 1, 1), "1.37"), (date(2006, 7, 1), "1.95"),
    (date(2007, 1, 1), "2.70"), (date(2007, 7, 1), "3.19"),
    (date(2008, 1, 1), "3.32"), (date(2008, 7, 1), "3.19"),
    (date(2009, 1, 1), "1.62"), (date(2009, 7, 1), "0.12"),
    (date(2010, 1, 1), "0.12"), (date(2010, 7, 1), "0.12"),
    (date(2011, 1, 1), "0.12"), (date(2011, 7, 1), "0.37"),
    (date(2012, 1, 1), "0.12"), (date(2012, 7, 1), "0.12"),
    (date(2013, 1, 1), "-0.13"), (date(2013, 7, 1), "-0.38"),
    (date(2014, 1, 1), "-0.63"), (date(2014, 7, 1), "-0.73"),
    (date(2015, 1, 1), "-0.83"), (date(2015, 7, 1), "-0.83"),
    (date(2016, 1, 1), "-0.83"), (date(2016, 7, 1), "-0.88"),
    (date(2017, 1, 1), "-0.88"), (date(2017, 7, 1), "-0.88"),
    (date(2018, 1, 1), "-0.88"), (date(2018, 7, 1), "-0.88"),
    (date(2019, 1, 1), "-0.88"), (date(2019, 7, 1), "-0.88"),
    (date(2020, 1, 1), "-0.88"), (date(2020, 7, 1), "-0.88"),
    (date(2021, 1, 1), "-0.88"), (date(2021, 7, 1), "-0.88"),
    (date(2022, 1, 1), "-0.88"), (date(2022, 7, 1), "-0.88"),
    (date(2023, 1, 1), "1.62"), (date(2023, 7, 1), "3.12"),
    (date(2024, 1, 1), "3.62"), (date(2024, 7, 1), "3.37"),
    (date(2025, 1, 1), "2.27"), (date(2025, 7, 1), "1.27"),
    (date(2026, 1, 1), "1.27"),
]


def load(apps, schema_editor) -> None:
    BaseRate = apps.get_model("grants", "BaseRate")
    present = set(BaseRate.objects.values_list("valid_from", flat=True))
    BaseRate.objects.bulk_create([BaseRate(valid_from=valid_from, rate=Decimal(rate), source=SOURCE)
                                  for valid_from, rate in BASE_RATES if valid_from not in present])


def unload(apps, schema_editor) -> None:
    apps.get_model("grants", "BaseRate").objects.filter(source=SOURCE, created_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("grants", "0010_programme_budget_line")]
    operations = [migrations.RunPython(load, unload)]
