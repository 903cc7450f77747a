"""The grants admin, the ministry's fallback tool: configuration is editable, everything a
service writes (applications, decisions, awards, notices, payments, numbers) is read-only."""

from grants.admin import (  # noqa: F401  (registers the admins)
    amendments,
    applications,
    awards,
    notices,
    payment_orders,
    programmes,
    reclaims,
    usage_reports,
)
