from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _register_sqlite_functions(sender, connection, **kwargs):
    """SQLite has no folding of its own: `wf_fold(text, spelling)` for core.search.Folded."""
    if connection.vendor == "sqlite":
        from core.search import fold_letters

        connection.connection.create_function("wf_fold", 2, fold_letters, deterministic=True)


class CoreConfig(AppConfig):
    """Domain-free building blocks: the clock, money, dates, errors, form fields and the
    template filters that format amounts and dates. Imports nothing of the other apps."""

    name = "core"
    verbose_name = "Grundlagen"

    def ready(self):
        connection_created.connect(_register_sqlite_functions, dispatch_uid="core.sqlite_functions")
