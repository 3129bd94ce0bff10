from django.apps import AppConfig


class QaConfig(AppConfig):
    name = "curbside.web.qa"
    label = "qa"
    verbose_name = "Questions and answers"
