"""Legal periods for notices, pure date arithmetic (no database, no clock):

- the Hessian public holidays (Hessisches Feiertagsgesetz § 1) and the working day;
- the Bekanntgabe of a notice sent by post (§ 41 Abs. 2 Satz 1 HVwVfG: on the third day after
  posting), with the decision on a fiction day that is a Saturday, Sunday or holiday;
- the end of the one-month period for an action (§ 74 Abs. 1 Satz 2 VwGO), computed under
  § 57 Abs. 2 VwGO, § 222 ZPO and §§ 187 Abs. 1, 188 Abs. 2 und 3 BGB, and the day the notice
  becomes final (bestandskräftig) when no action was brought.
"""

from datetime import date, timedelta
from functools import cache

from core.clock import add_months

# § 41 Abs. 2 Satz 1 HVwVfG: "am dritten Tag nach der Aufgabe zur Post".
POST_DAYS = 3


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    day = (h + ell - 7 * m + 114) % 31 + 1
    return date(year, month, day)


@cache
def hessian_holidays(year: int) -> frozenset[date]:
    """The statutory public holidays in Hessen (§ 1 HFeiertagsG): Neujahr, Karfreitag,
    Ostermontag, 1. Mai, Christi Himmelfahrt, Pfingstmontag, Fronleichnam, Tag der Deutschen
    Einheit, 1. und 2. Weihnachtstag; in 2017 once also the Reformationstag (31.10.2017).
    Ostersonntag and Pfingstsonntag are Sundays anyway."""
    easter = easter_sunday(year)
    days = {
        date(year, 1, 1),
        easter - timedelta(days=2),
        easter + timedelta(days=1),
        date(year, 5, 1),
        easter + timedelta(days=39),
        easter + timedelta(days=50),
        easter + timedelta(days=60),
        date(year, 10, 3),
        date(year, 12, 25),
        date(year, 12, 26),
    }
    if year == 2017:
        days.add(date(2017, 10, 31))
    return frozenset(days)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a Hessian public holiday."""
    return day.weekday() < 5 and day not in hessian_holidays(day.year)


def next_working_day(day: date) -> date:
    """`day` itself when it is a working day, else the next one."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def posted_notification_date(posted_on: date) -> date:
    """The day a notice sent by post counts as notified (§ 41 Abs. 2 Satz 1 HVwVfG).

    Decision: when the third day after posting is a Saturday, Sunday or Hessian public
    holiday, the notification is deemed on the next working day (§ 31 Abs. 3 Satz 1 HVwVfG
    applied to the three-day fiction, as the BFH holds for the identical § 122 Abs. 2 Nr. 1 AO,
    Urteil vom 14.10.2003 – IX R 68/98). The question is disputed for the VwVfG; the later
    date is the safe one for the authority: it never counts a notice as final too early
    (the period for an action is never cut short).

    Posted on Thursday 28.10.2021: the third day is Sunday 31.10.2021 → Monday 01.11.2021
    (neither Reformationstag nor Allerheiligen is a holiday in Hessen).
    """
    return next_working_day(posted_on + timedelta(days=POST_DAYS))


def month_period_end(notified_on: date) -> date:
    """Last day of the one-month period for an action after notification on `notified_on`
    (§ 74 Abs. 1 Satz 2 VwGO; § 57 Abs. 2 VwGO with § 222 Abs. 1 ZPO and §§ 187 Abs. 1,
    188 Abs. 2 BGB: the day of notification is not counted, the period ends with the day of
    the next month that has the same number; § 188 Abs. 3 BGB: where that month is shorter,
    with its last day; § 222 Abs. 2 ZPO: a period ending on a Saturday, Sunday or public
    holiday ends with the next working day).

    Notified 01.11.2021 → 01.12.2021; 31.01.2022 → 28.02.2022 (2024: 29.02.2024);
    06.10.2021 → Saturday 06.11.2021 → Monday 08.11.2021.
    """
    return next_working_day(add_months(notified_on, 1))


def final_date(notified_on: date, waived_on: date | None = None) -> date:
    """The first day on which the notice is final (bestandskräftig): the day after the period
    for an action has ended unused – or, when the recipient waived all remedies
    (Rechtsbehelfsverzicht) after notification, the day the waiver was declared, whichever is
    earlier."""
    final = month_period_end(notified_on) + timedelta(days=1)
    if waived_on is not None and waived_on < final:
        return max(waived_on, notified_on)
    return final
