"""The texts the legal pages start with: those of the ministry that runs the WIR programme
(legal/default_texts/*.txt, in the format of legal.text).

The programme administration edits them on the site (legal.views.legal_edit); until a text is
published there the page shows its default, so no installation is ever without its Impressum.
What the Datenschutzerklärung says about storage describes what this application really keeps
(accounts, audit trail, sign-in attempts, sessions, outbox, files, feedback) – change it together
with the code.
"""

from functools import cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _

TEXTS = Path(__file__).resolve().parent / "default_texts"
TITLES = {
    "impressum": _("Impressum"),
    "datenschutz": _("Datenschutzerklärung"),
    "barrierefreiheit": _("Erklärung zur Barrierefreiheit"),
}


@cache
def default_body(kind: str) -> str:
    return (TEXTS / f"{kind}.txt").read_text(encoding="utf-8")


def default_text(kind: str) -> tuple[str, str]:
    """(title, body) of the default text of the page `kind`."""
    return str(TITLES[kind]), default_body(kind)
