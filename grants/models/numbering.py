from django.db import models
from django.utils.translation import gettext_lazy as _


class NumberSequence(models.Model):
    """A gap-free counter per key (file references, notice numbers), drawn under a row lock."""

    key = models.CharField(_("Schlüssel"), max_length=100, unique=True)
    last_value = models.PositiveIntegerField(_("zuletzt vergeben"), default=0)

    class Meta:
        verbose_name = _("Nummernkreis")
        verbose_name_plural = _("Nummernkreise")

    def __str__(self) -> str:
        return f"{self.key}: {self.last_value}"
