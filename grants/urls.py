from django.urls import path

from grants.views import applications, attachments, decisions, notices, payments, programme, review
from grants.views import deadlines, payment_orders, usage_reports
from grants.views import amendments
from grants.views import closing, programme_report
from grants.views import reclaims

app_name = "grants"

urlpatterns = [
    # Koordination: own body's applications
    path("antraege/", applications.application_list, name="application_list"),
    path("antraege/neu/", applications.application_new, name="application_new"),
    path("antraege/neu/<slug:code>/", applications.application_create, name="application_create"),
    path("antraege/<int:pk>/", applications.application_detail, name="application_detail"),
    path("antraege/<int:pk>/bearbeiten/", applications.application_edit, name="application_edit"),
    path("antraege/<int:pk>/einreichen/", applications.application_submit_view, name="application_submit"),
    path("antraege/<int:pk>/zurueckziehen/", applications.application_withdraw_view, name="application_withdraw"),
    path("antraege/<int:pk>/anlagen/", attachments.attachment_upload, name="attachment_upload"),
    path("antraege/<int:pk>/anlagen/<int:attachment_pk>/", attachments.attachment_download,
         name="attachment_download"),
    path("antraege/<int:pk>/anlagen/<int:attachment_pk>/entfernen/", attachments.attachment_delete,
         name="attachment_delete"),
    # Sachbearbeitung: work queue and review
    path("pruefung/", review.review_queue, name="review_queue"),
    path("antraege/<int:pk>/pruefung-beginnen/", review.review_start, name="review_start"),
    path("antraege/<int:pk>/nachforderung/", review.review_request_changes, name="review_request_changes"),
    path("antraege/<int:pk>/empfehlung/", review.review_recommend, name="review_recommend"),
    path("antraege/<int:pk>/kommentar/", review.review_comment, name="review_comment"),
    # Bewilligung
    path("bewilligung/", decisions.decision_queue, name="decision_queue"),
    path("antraege/<int:pk>/bewilligen/", decisions.decision_approve, name="decision_approve"),
    path("antraege/<int:pk>/ablehnen/", decisions.decision_reject, name="decision_reject"),
    # Bescheide and handover ceremonies
    path("antraege/<int:pk>/bescheid-erlassen/", notices.notice_issue_view, name="notice_issue"),
    path("antraege/<int:pk>/bescheid-vorschau/", notices.notice_preview_view, name="notice_preview"),
    path("bescheide/<int:pk>/pdf", notices.notice_download, name="notice_download"),
    path("uebergaben/", notices.ceremony_list, name="ceremony_list"),
    path("uebergaben/<int:pk>/", notices.ceremony_detail, name="ceremony_detail"),
    path("uebergaben/<int:pk>/zuordnen/", notices.ceremony_attach, name="ceremony_attach"),
    path("uebergaben/<int:pk>/bescheide/<int:notice_pk>/loesen/", notices.ceremony_detach, name="ceremony_detach"),
    path("uebergaben/<int:pk>/uebergabeexemplare.pdf", notices.ceremony_presentation, name="ceremony_presentation"),
    path("uebergaben/<int:pk>/uebergabemappe.pdf", notices.ceremony_bundle, name="ceremony_bundle"),
    # Mittelabruf (Koordination) and Auszahlung (Sachbearbeitung, Bewilligung)
    path("antraege/<int:pk>/mittelabruf/", payments.payment_request, name="payment_request"),
    path("auszahlungen/", payments.payment_queue, name="payment_queue"),
    path("auszahlungen/<int:pk>/vorbereiten/", payments.payment_prepare, name="payment_prepare"),
    path("auszahlungen/<int:pk>/freigeben/", payments.payment_release, name="payment_release"),
    path("auszahlungen/<int:pk>/buchen/", payments.payment_book, name="payment_book"),
    path("auszahlungen/<int:pk>/ablehnen/", payments.payment_reject, name="payment_reject"),
    path("auszahlungen/<int:pk>/zurueckziehen/", payments.payment_cancel, name="payment_cancel"),
    # Programme overview for ministry staff
    path("programm/", programme.programme_overview, name="programme_overview"),
    path("programm/export.<str:fmt>", programme.programme_export, name="programme_export"),
    # Zahlungsanordnungen for the state treasury (Sachbearbeitung, Bewilligung)
    path("auszahlungen/zahlungsanordnungen/", payment_orders.payment_orders, name="payment_orders"),
    path("auszahlungen/zahlungsanordnungen/exportieren/", payment_orders.payment_orders_create,
         name="payment_orders_create"),
    path("auszahlungen/zahlungsanordnungen/<int:pk>/", payment_orders.payment_order_detail,
         name="payment_order_detail"),
    path("auszahlungen/zahlungsanordnungen/<int:pk>/erneut/", payment_orders.payment_order_reexport,
         name="payment_order_reexport"),
    path("auszahlungen/zahlungsanordnungen/<int:pk>/datei.<str:fmt>", payment_orders.payment_order_download,
         name="payment_order_download"),
    # Fristen der Verwendungsnachweise: overview and the body's calendar (iCalendar)
    path("fristen/", deadlines.deadline_list, name="deadline_list"),
    path("fristen/kalender/", deadlines.deadline_calendar, name="deadline_calendar"),
    path("fristen/kalender/neu/", deadlines.deadline_calendar_renew, name="deadline_calendar_renew"),
    path("fristen/kalender/<str:token>.ics", deadlines.deadline_calendar_feed, name="deadline_calendar_feed"),
    # Verwendungsnachweise: the coordinator drafts and submits, the ministry checks
    path("antraege/<int:pk>/nachweise/zwischennachweis/<int:year>/", usage_reports.usage_report_interim,
         name="usage_report_interim"),
    path("antraege/<int:pk>/nachweise/verwendungsnachweis/", usage_reports.usage_report_final,
         name="usage_report_final"),
    path("verwendungsnachweise/", usage_reports.usage_report_list, name="usage_report_list"),
    path("verwendungsnachweise/<int:pk>/", usage_reports.usage_report_check, name="usage_report_check"),
    path("verwendungsnachweise/<int:pk>/sachbericht/", usage_reports.usage_report_narrative,
         name="usage_report_narrative"),
    path("verwendungsnachweise/<int:pk>/sachbericht.pdf", usage_reports.usage_report_narrative_download,
         name="usage_report_narrative_download"),
    path("verwendungsnachweise/<int:pk>/annehmen/", usage_reports.usage_report_accept_view,
         name="usage_report_accept"),
    path("verwendungsnachweise/<int:pk>/rueckfragen/", usage_reports.usage_report_send_back_view,
         name="usage_report_send_back"),
    # Abschluss einer Zuwendung and the programme report (ministry)
    path("antraege/<int:pk>/abschliessen/", closing.award_close_view, name="award_close"),
    path("programm/bericht/", programme_report.programme_report_view, name="programme_report"),
    path("programm/bericht/export.<str:fmt>", programme_report.programme_report_export,
         name="programme_report_export"),
    # Rückforderungen with interest (§ 49a HVwVfG) and the Basiszinssatz table
    path("verwendungsnachweise/<int:pk>/rueckforderung/", reclaims.reclaim_propose_view, name="reclaim_propose"),
    path("rueckforderungen/", reclaims.reclaim_list, name="reclaim_list"),
    path("rueckforderungen/<int:pk>/", reclaims.reclaim_detail, name="reclaim_detail"),
    path("rueckforderungen/<int:pk>/bescheid-vorschau/", reclaims.reclaim_preview, name="reclaim_preview"),
    path("rueckforderungen/<int:pk>/festsetzen/", reclaims.reclaim_issue_view, name="reclaim_issue"),
    path("rueckforderungen/<int:pk>/verwerfen/", reclaims.reclaim_discard_view, name="reclaim_discard"),
    path("rueckforderungen/<int:pk>/rueckzahlung/", reclaims.reclaim_repayment_view, name="reclaim_repayment"),
    path("programm/basiszinssatz/", reclaims.base_rate_list, name="base_rate_list"),
    # Änderungsanträge: the coordinator requests, the ministry reviews and decides
    path("antraege/<int:pk>/aenderungsantrag/", amendments.amendment_edit, name="amendment_edit"),
    path("aenderungsantraege/", amendments.amendment_list, name="amendment_list"),
    path("aenderungsantraege/<int:pk>/", amendments.amendment_detail, name="amendment_detail"),
    path("aenderungsantraege/<int:pk>/zurueckziehen/", amendments.amendment_withdraw_view,
         name="amendment_withdraw"),
    path("aenderungsantraege/<int:pk>/rueckfragen/", amendments.amendment_send_back_view,
         name="amendment_send_back"),
    path("aenderungsantraege/<int:pk>/empfehlen/", amendments.amendment_recommend_view, name="amendment_recommend"),
    path("aenderungsantraege/<int:pk>/bewilligen/", amendments.amendment_approve_view, name="amendment_approve"),
    path("aenderungsantraege/<int:pk>/ablehnen/", amendments.amendment_reject_view, name="amendment_reject"),
]
