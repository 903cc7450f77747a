"""Every read of the grants domain, one module per area:

- `scoping` – the only place that scopes objects to a person: what a coordinator (the own
  body's) and the ministry (everything submitted) may see; every view lookup goes through it;
- `budgets` – budget years, what awards commit, the headroom per year;
- `awards` – an award's years, totals, what was called and paid, its revisions and notices;
- `payments` – what may be called now and why, the payment queue's rows, payment orders;
- `amendments`, `proofs`, `reclaims` – the figures of Änderungsanträge, Verwendungsnachweise
  and Rückforderungen;
- `deadlines` – reporting deadlines and their state, payment dates of reclaims;
- `overview`, `report` – the programme overview and the Programmbericht;
- `history` – an object's history in words; `timeline` – the whole case history of an
  application and its grant; `todo` – what waits for a person (the start page).

Selectors never change data.
"""
