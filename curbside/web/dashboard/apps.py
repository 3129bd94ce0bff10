from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """Charts and CSV exports of how the service is doing, for moderators."""

    name = "curbside.web.dashboard"
    label = "dashboard"
