from django.apps import AppConfig


class ServiceConfig(AppConfig):
    """The service around the published Q&A: accounts, asking, the doctors' queue,
    answering, moderation and the audit log."""

    name = "curbside.web.service"
    label = "service"
    default_auto_field = "django.db.models.BigAutoField"
