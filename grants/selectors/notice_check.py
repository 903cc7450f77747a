"""Checking a notice file someone holds ("Bescheid prüfen", `verify_notice`): is its seal intact,
valid and trusted, does it cover the whole file, and is the file byte for byte a notice issued
here? One answer, told in plain German findings, for the page and the command alike.

What the check names of a matching notice (kind, number, date, body) is printed in the file the
person uploaded, so it tells nothing new; a link to the application only for those who may open it.
"""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from core.formats import format_date
from grants.models import Notice
from grants.notices.seal import PdfCheck, SealCheck, pdf_check, sealing_configured
from grants.selectors.scoping import applications_visible_to

GOOD, BAD, INFO, WARNING = "good", "bad", "info", "warning"


@dataclass
class Finding:
    level: str  # GOOD, BAD, INFO or WARNING
    text: str


@dataclass
class NoticeCheck:
    pdf: PdfCheck
    notice: Notice | None = None
    notice_visible: bool = False  # the person may open the notice's application
    test_seal: bool = False
    findings: list[Finding] = field(default_factory=list)

    @property
    def seal(self) -> SealCheck | None:
        return self.pdf.seal

    @property
    def confirmed(self) -> bool:
        """Byte for byte a notice issued here, and – if it was issued sealed – its seal intact,
        valid, trusted and covering the whole file."""
        if self.notice is None:
            return False
        if not self.notice.sealed:
            return True
        return self.seal is not None and self.seal.ok

    @property
    def headline(self) -> str:
        if not self.pdf.is_pdf:
            return _("Die Datei ist kein PDF-Dokument.")
        if self.confirmed:
            assert self.notice is not None
            if self.notice.sealed:
                return _("Echt und unverändert: Dieser Bescheid ist hier erlassen und elektronisch gesiegelt.")
            return _("Unverändert: Diese Datei ist ein hier erlassener Bescheid (nicht elektronisch gesiegelt).")
        return _("Nicht bestätigt: Diese Datei ist nicht oder nicht unverändert ein hier erlassener Bescheid.")


def _when(moment) -> str:
    local = timezone.localtime(moment)
    return _("%(date)s, %(time)s Uhr") % {"date": format_date(local.date()), "time": local.strftime("%H:%M")}


def _seal_findings(seal: SealCheck, *, test: bool) -> list[Finding]:
    findings = []
    if not (seal.intact and seal.valid):
        # Whether a broken seal's certificate is trusted no longer matters (pyHanko does not look).
        findings.append(Finding(BAD, _("Das Siegel ist gebrochen: Der Inhalt wurde nach dem Siegeln verändert oder "
                                       "das Siegel selbst ist beschädigt.")))
    else:
        findings.append(Finding(GOOD, _("Das Siegel ist unversehrt: Der gesiegelte Inhalt wurde seit dem Siegeln "
                                        "nicht verändert.")))
        if seal.covers_whole_file:
            findings.append(Finding(GOOD, _("Das Siegel umfasst die ganze Datei: Nach dem Siegeln wurde nichts "
                                            "angefügt.")))
        else:
            findings.append(Finding(BAD, _("Die Datei wurde nach dem Siegeln verändert oder ergänzt: Das Siegel "
                                           "umfasst nicht die ganze Datei.")))
        if seal.trusted:
            findings.append(Finding(GOOD, _("Das Siegelzertifikat ist gültig und führt auf eine hier eingerichtete "
                                            "Vertrauensstelle zurück.")))
        else:
            findings.append(Finding(BAD, _("Das Siegelzertifikat ist nicht vertrauenswürdig: Es führt auf keine hier "
                                           "eingerichtete Vertrauensstelle zurück oder war beim Siegeln nicht "
                                           "gültig.")))
    if seal.signer_subject:
        findings.append(Finding(INFO, _("Gesiegelt mit dem Zertifikat: %(subject)s (Seriennummer %(serial)s).")
                                % {"subject": seal.signer_subject, "serial": seal.signer_serial}))
    if seal.name:
        findings.append(Finding(INFO, _("Siegelnde Behörde: %(name)s%(location)s.") % {
            "name": seal.name, "location": (_(", %(location)s") % {"location": seal.location}) if seal.location
            else ""}))
    if seal.timestamped_at is not None:
        findings.append(Finding(INFO, _("Gesiegelt am %(when)s (Zeitstempel eines Zeitstempeldienstes).")
                                % {"when": _when(seal.timestamped_at)}))
    elif seal.signed_at is not None:
        findings.append(Finding(INFO, _("Gesiegelt am %(when)s (Angabe im Siegel).") % {"when": _when(seal.signed_at)}))
    if test:
        findings.append(Finding(WARNING, _("Testsiegel – nicht für den Rechtsverkehr: Dieses Siegel stammt aus einer "
                                           "Test- oder Demo-Umgebung und beweist nicht die Echtheit eines "
                                           "Bescheids.")))
    return findings


def notice_check(*, data: bytes, user) -> NoticeCheck:
    """Check the bytes of an uploaded file as `user` (anonymous too) may be told."""
    result = NoticeCheck(pdf=pdf_check(data))
    if not result.pdf.is_pdf:
        result.findings.append(Finding(BAD, _("Die Datei ist kein PDF-Dokument. Bitte laden Sie den Bescheid als PDF "
                                              "hoch, so wie Sie ihn erhalten haben.")))
        return result
    notice = (Notice.objects.select_related("application__municipality").defer("pdf", "snapshot")
              .filter(sha256=result.pdf.sha256).first())
    result.notice = notice
    if notice is not None and getattr(user, "is_authenticated", False):
        result.notice_visible = applications_visible_to(user).filter(pk=notice.application_id).exists()
    seal = result.pdf.seal
    if seal is not None:
        result.test_seal = bool(notice.seal_test if notice is not None else
                                Notice.objects.filter(seal_fingerprint=seal.signer_fingerprint, seal_test=True)
                                .exists())
    if result.pdf.unreadable:
        result.findings.append(Finding(BAD, _("Die Datei beginnt wie ein PDF, ist aber beschädigt und kann nicht "
                                              "gelesen werden.")))
    elif seal is None:
        if notice is not None and not notice.sealed:
            result.findings.append(Finding(INFO, _("Die Datei trägt kein elektronisches Siegel; dieser Bescheid wurde "
                                                   "nicht elektronisch gesiegelt erlassen.")))
        else:
            result.findings.append(Finding(BAD, _("Die Datei trägt kein elektronisches Siegel.")))
    else:
        result.findings.extend(_seal_findings(seal, test=result.test_seal))
    if notice is not None:
        result.findings.append(Finding(GOOD, _(
            "Die Datei ist byte-genau der hier erlassene %(kind)s Nr. %(number)s vom %(date)s an %(body)s.") % {
            "kind": notice.get_kind_display(), "number": notice.number, "date": format_date(notice.issued_on),
            "body": notice.application.municipality.display_name}))
    else:
        result.findings.append(Finding(BAD, _(
            "Die Datei stimmt mit keinem hier erlassenen Bescheid überein: Kein Bescheid hat diesen Fingerabdruck "
            "(SHA-256). Schon ein einziges geändertes Byte ergibt einen anderen Fingerabdruck.")))
    if seal is None and not sealing_configured() and notice is None:
        result.findings.append(Finding(INFO, _("Hier werden Bescheide derzeit nicht elektronisch gesiegelt.")))
    return result
