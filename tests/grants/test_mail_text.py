"""The plain-text part of every mail shows names and reasons as typed: no `&quot;`, `&#x27;` or
`&amp;` (the HTML part escapes them, as HTML must)."""

from django.core import mail

from grants.services.awards import application_reject
from tests import factories

REASON = 'Der „Träger“ hat den Nachweis "Stellenplan" nicht vorgelegt; Müller & Söhne\'s Angebot fehlt.'
CONTACT = 'Referat "Integration" & Teilhabe (O\'Neill)'


def test_text_part_and_subject_are_not_html_escaped_while_the_html_part_is(
        programme, coordinator_a, clerk, approver, django_capture_on_commit_callbacks):
    authority = programme.issuing_authority
    authority.contact_name = CONTACT
    authority.save()
    application = factories.in_review_application(programme, coordinator_a, clerk)
    application.title = 'Projekt "Ankommen" & Bleiben'
    application.save(update_fields=["title"])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        application_reject(application=application, user=approver, reason=REASON)

    message = mail.outbox[0]
    assert REASON in message.body and CONTACT in message.body
    for escaped in ("&quot;", "&#x27;", "&#39;", "&amp;", "&lt;"):
        assert escaped not in message.body and escaped not in message.subject
    html, _mimetype = message.alternatives[0]
    assert "Müller &amp; Söhne&#x27;s" in str(html)
