from django.contrib.auth import views as auth_views
from django.urls import path

from curbside.web.service import views

urlpatterns = [
    # Accounts (Django's auth views, with our templates and rate limits)
    path("account/signup/", views.sign_up, name="signup"),
    path("account/signup/doctor/", views.sign_up, {"doctor": True}, name="signup-doctor"),
    path("account/verify/<uidb64>/<token>/", views.verify_email, name="verify-email"),
    path("account/login/", views.login, name="login"),
    path("account/start/", views.after_login, name="after-login"),
    path("account/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password-reset/", views.password_reset, name="password_reset"),
    path("account/password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("account/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("account/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    # Asking
    path("ask/", views.ask, name="ask"),
    path("ask/confirm/", views.ask_confirm, name="ask-confirm"),
    path("my/questions/", views.my_questions, name="my-questions"),
    path("my/questions/<str:thread_id>/", views.my_question, name="my-question"),
    path("report/<str:thread_id>/", views.report, name="report"),
    path("review/<slug:kind>/<str:object_id>/", views.review, name="review"),
    # The doctors' queue
    path("queue/", views.queue, name="queue"),
    path("queue/<str:thread_id>/", views.queue_question, name="queue-question"),
    path("queue/<str:thread_id>/<slug:action>/", views.queue_action, name="queue-action"),
    # Moderation
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/questions/<str:thread_id>/", views.moderate_question, name="moderate-question"),
    path("moderation/doctors/<str:doctor_id>/<slug:action>/", views.moderate_doctor, name="moderate-doctor"),
    path("moderation/reports/<int:report_id>/", views.resolve_report, name="resolve-report"),
    path("moderation/audit/", views.audit_log, name="audit-log"),
]
