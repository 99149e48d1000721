"""First-run set-up: a demo organization, its owner and a bot, so a newcomer can log in at once."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.models import Organization, Role, User
from accounts.services.organizations import organization_create
from accounts.tenancy import Actor
from bots.models import Bot
from bots.services import bot_create
from documents.models import Document, DocumentStatus
from documents.services import document_create_from_text

GUIDE = Path(settings.BASE_DIR) / "docs" / "guide.md"

DEMO_EMAIL = "demo@chatsphere.local"


class Command(BaseCommand):
    help = "Create the demo organization, owner and bot on a fresh installation (does nothing afterwards)."

    def handle(self, *args: object, **options: object) -> None:
        login_file = Path(settings.VAR_DIR) / "demo-login.txt"
        if Organization.objects.exists():
            if login_file.exists():
                self.stdout.write(f"Demo login: see {login_file}")
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(
            email=DEMO_EMAIL, password=password, full_name="Demo Owner", is_staff=True, email_verified_at=timezone.now()
        )
        organization = organization_create(user=user, name="Demo")
        actor = Actor(organization=organization, role=Role.OWNER, user=user)
        bot = bot_create(
            actor=actor,
            name="ChatSphere Guide",
            description="Answers questions about ChatSphere from its own guide.",
            suggested_questions=["How do I add knowledge to a bot?", "How do I put the widget on my site?"],
            allowed_origins=["http://127.0.0.1:8000", "http://localhost:8000"],
        )
        self._add_guide(actor, bot)
        login_file.parent.mkdir(parents=True, exist_ok=True)
        login_file.write_text(f"e-mail: {DEMO_EMAIL}\npassword: {password}\n")
        login_file.chmod(0o600)
        self.stdout.write(
            self.style.SUCCESS(
                "Created the demo organization.\n"
                f"  Log in at {settings.SITE_URL}/app/ with\n"
                f"  e-mail:   {DEMO_EMAIL}\n"
                f"  password: {password}\n"
                f"  (also saved in {login_file})"
            )
        )

    def _add_guide(self, actor: Actor, bot: Bot) -> None:
        """Give the demo bot the product guide, so a question can be asked at once."""
        document = document_create_from_text(
            actor=actor, bot=bot, title="ChatSphere guide", text=GUIDE.read_text(encoding="utf-8")
        )
        # Without REDIS_URL, ingestion has already run in this process; with it, a worker picks it up.
        status = Document.objects.get(pk=document.pk).status
        note = "ready" if status == DocumentStatus.READY else f"{status} (a Celery worker will finish it)"
        self.stdout.write(f"Added the ChatSphere guide to the demo bot: {note}.")
