"""The financing plan as pure data: its lines (`lines`), the one JSON codec of the stored plan
(`codec`), its rules (`rules`), the summary of what changed between two plans (`changes`) and
the plan as a table for people (`tables`).

Nothing here reads or writes the database: models and services use this package, never the
other way round. Cost categories are passed in (any object with the attributes of
`grants.models.CostCategory`), amounts are `Decimal`.
"""
