"""The grants admin, the ministry's fallback tool: configuration is editable, everything a
service writes (applications, decisions, awards, notices, payments, numbers) is read-only."""

from grants.admin import applications, awards, notices, payment_orders, programmes, usage_reports  # noqa: F401,E501  (registers the admins)
