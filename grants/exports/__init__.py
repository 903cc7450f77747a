"""Files for other programs and people: tables as CSV and XLSX (`tables`, `csv_writer`,
`xlsx_writer`), deadlines as an iCalendar feed (`ical`). One writer per format, used by every
export: the programme overview, the Programmbericht and the payment orders for the treasury."""
