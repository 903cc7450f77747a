"""A grant's case file as an xdomea 3.1.0 message (issue 13, item 4).

- `schema`: the XSDs in `schema/3.1.0` (unmodified, see `schema/README.md`) loaded offline, and
  the validation every message passes before it is delivered.
- `files`: Akte, Vorgang, Dokument and primary file as data; stored files checked, records rendered.
- `casefile`: what one grant's file holds – Akte → Vorgänge → Dokumente with their metadata and
  primary files (stored bytes unchanged; generated records as PDF/A).
- `message`: the XML message (lxml element tree) and the transfer package (ZIP).
- `documents`: the PDF/A renderings of what the file holds as data (application with its
  financing plan, decisions, payments, proofs, reclaims, amendments, the audit trail).
"""
