from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from chatsphere import metrics
        from documents import cascade
        from documents.lexical import hooks
        from documents.metrics import KnowledgeCollector

        hooks.connect()
        cascade.connect()
        metrics.register_scrape_collector(KnowledgeCollector())
