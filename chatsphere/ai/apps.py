from django.apps import AppConfig


class AiConfig(AppConfig):
    name = "chatsphere.ai"
    label = "ai"
    verbose_name = "AI providers"
    default_auto_field = "django.db.models.BigAutoField"
