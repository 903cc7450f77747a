from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Domain-free building blocks: the clock, money, dates, errors, form fields and the
    template filters that format amounts and dates. Imports nothing of the other apps."""

    name = "core"
    verbose_name = "Grundlagen"
