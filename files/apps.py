from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    """Where uploaded files live: one table of every stored file (name, size, SHA-256) whose bytes
    lie in the database row or in S3-compatible object storage (settings.FILE_STORAGE)."""

    name = "files"
    verbose_name = _("Dateiablage")

    def ready(self) -> None:
        from django.core.signals import request_finished

        from files.pending import discard_uncommitted

        # Objects written to S3 by a request whose transaction rolled back are removed when it ends.
        request_finished.connect(discard_uncommitted, dispatch_uid="files.discard_uncommitted")
