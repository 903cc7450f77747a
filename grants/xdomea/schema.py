"""The xdomea 3.1.0 schemas, compiled offline, and the check every message passes before it is
delivered.

The XSDs import `xoev-code.xsd` by its absolute `http://` URL; `_LocalSchemaResolver` maps that
URL to the copy in `schema/3.1.0` and refuses any other remote address, and the parser runs with
`no_network=True`: compiling never touches the network. Relative `xs:include`s resolve beside
the file as usual.
"""

import logging
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _
from lxml import etree

from core.errors import DomainError

logger = logging.getLogger(__name__)

SCHEMA_DIR = Path(__file__).resolve().parent / "schema" / "3.1.0"
NAMESPACE = "urn:xoev-de:xdomea:schema:3.1.0"
REMOTE_TO_LOCAL = {"http://xoev.de/schemata/code/1_0/xoev-code.xsd": "xoev-code.xsd"}

# Message type → the root schema that declares it.
ROOT_SCHEMAS = {
    "Abgabe.Abgabe.0401": "xdomea-Nachrichten-AbgabeDurchfuehren.xsd",
    "Aussonderung.Aussonderung.0503": "xdomea-Nachrichten-AussonderungDurchfuehren.xsd",
}


class MessageInvalid(DomainError):
    """A generated message that the xdomea schema refuses: it is never delivered."""


class _LocalSchemaResolver(etree.Resolver):
    def resolve(self, system_url, public_id, context):
        if system_url in REMOTE_TO_LOCAL:
            return self.resolve_filename(str(SCHEMA_DIR / REMOTE_TO_LOCAL[system_url]), context)
        if system_url.startswith(("http://", "https://")):
            raise ValueError(f"xdomea-Schema nicht lokal vorhanden: {system_url}")
        return None


@cache
def load_schema(message_type: str) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_LocalSchemaResolver())
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / ROOT_SCHEMAS[message_type]), parser))


def schema_errors(message_type: str, xml: bytes) -> list[str]:
    """The schema's complaints about the message, one line each ([] when it is valid)."""
    schema = load_schema(message_type)
    document = etree.fromstring(xml, etree.XMLParser(no_network=True, resolve_entities=False))
    if schema.validate(document):
        return []
    return [f"Zeile {error.line}: {error.message}" for error in schema.error_log]


def validate_message(message_type: str, xml: bytes, *, label: str) -> None:
    """Raise `MessageInvalid` (German, for the person) and log the schema's findings (for the
    administration) when the message does not validate. `label` names the export in the log."""
    errors = schema_errors(message_type, xml)
    if not errors:
        return
    logger.error("xdomea-Nachricht %s (%s) entspricht nicht dem Schema xdomea 3.1.0:\n%s",
                 message_type, label, "\n".join(errors[:50]))
    raise MessageInvalid(_("Die xdomea-Nachricht entspricht nicht dem Schema xdomea 3.1.0 und wurde deshalb nicht "
                           "ausgeliefert (%(count)s Fehler, erster: %(first)s). Bitte die Administration "
                           "verständigen; die Einzelheiten stehen im Protokoll des Servers.")
                         % {"count": len(errors), "first": errors[0]})
