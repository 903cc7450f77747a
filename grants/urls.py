from django.urls import path

from grants.views import applications, attachments, decisions, programme, review

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
    # Programme overview for ministry staff
    path("programm/", programme.programme_overview, name="programme_overview"),
    path("programm/export.<str:fmt>", programme.programme_export, name="programme_export"),
]
