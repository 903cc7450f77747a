from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackgroundConfig(AppConfig):
    """Work that runs outside the web request on the Celery worker: the e-mail outbox and the
    long jobs (ceremony bundles, notice archives) whose progress a person follows on a page."""

    name = "background"
    verbose_name = _("Hintergrundaufgaben")
