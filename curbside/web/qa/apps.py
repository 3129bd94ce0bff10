from django.apps import AppConfig


class QaConfig(AppConfig):
    name = "curbside.web.qa"
    label = "qa"
    verbose_name = "Questions and answers"

    def ready(self):
        from curbside.web.qa import signals  # noqa: F401  (connects the receivers)
