from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from chatsphere.events import listen
        from webhooks.services import deliveries_create_for_event

        listen(deliveries_create_for_event)
