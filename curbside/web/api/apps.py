from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The versioned JSON API and its OpenAPI document."""

    name = "curbside.web.api"
    label = "api"
    default_auto_field = "django.db.models.BigAutoField"
