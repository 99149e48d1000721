"""Dashboard pages for bots: list, create, settings, delete, widget key."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts.models import Role
from accounts.tenancy import require_role
from bots import selectors, services
from bots.forms import BotForm, WidgetForm
from bots.models import Bot
from chatsphere.dashboard import OrganizationMixin, apply_errors
from chatsphere.errors import ApplicationError

#: The tabs of a bot's pages: (URL name, label).
BOT_SECTIONS = [
    ("dashboard:bot-settings", "Settings"),
    ("dashboard:bot-knowledge", "Knowledge"),
    ("dashboard:bot-answers", "Answers"),
    ("dashboard:bot-playground", "Playground"),
    ("dashboard:bot-conversations", "Conversations"),
    ("dashboard:bot-analytics", "Analytics"),
    ("dashboard:bot-widget", "Widget"),
]


class BotListView(OrganizationMixin, TemplateView):
    template_name = "dashboard/bots/list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            bots=selectors.bot_list_with_counts(organization=self.actor.organization),
            bot_sections=BOT_SECTIONS,
            **kwargs,
        )


class BotMixin(OrganizationMixin):
    """A page about one bot of the selected organization (another organization's bot is 404)."""

    kwargs: dict[str, Any]

    @property
    def bot(self) -> Bot:
        if not hasattr(self, "_bot"):
            self._bot = selectors.bot_get(organization=self.actor.organization, bot_id=self.kwargs["bot_id"])
        return self._bot

    def resolve_objects(self) -> None:
        self.bot  # noqa: B018

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(bot=self.bot, bot_sections=BOT_SECTIONS, **kwargs)


class BotCreateView(OrganizationMixin, FormView):
    template_name = "dashboard/bots/form.html"
    form_class = BotForm

    def form_valid(self, form: BotForm) -> HttpResponse:
        try:
            bot = services.bot_create(actor=self.actor, **form.cleaned_data)
        except (ValidationError, ApplicationError) as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"{bot.name} was created.")
        return redirect("dashboard:bot-settings", bot_id=bot.id)


class BotSettingsView(BotMixin, FormView):
    template_name = "dashboard/bots/form.html"
    form_class = BotForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_role(self.actor, Role.ADMIN, action="change bots")
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.bot}

    def form_valid(self, form: BotForm) -> HttpResponse:
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        bot = selectors.bot_get(organization=self.actor.organization, bot_id=self.bot.id)
        try:
            services.bot_update(actor=self.actor, bot=bot, **changes)
        except (ValidationError, ApplicationError) as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Settings saved.")
        return redirect("dashboard:bot-settings", bot_id=bot.id)

    def form_invalid(self, form: BotForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)


class BotDeleteView(BotMixin, TemplateView):
    template_name = "dashboard/bots/delete.html"

    def post(self, request: HttpRequest, bot_id: uuid.UUID) -> HttpResponse:
        name = self.bot.name
        try:
            services.bot_delete(actor=self.actor, bot=self.bot)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("dashboard:bot-settings", bot_id=bot_id)
        messages.success(request, f"{name} was deleted with its documents and conversations.")
        return redirect("dashboard:bot-list")


class BotRotateKeyView(BotMixin, View):
    def post(self, request: HttpRequest, bot_id: uuid.UUID) -> HttpResponse:
        try:
            services.bot_rotate_key(actor=self.actor, bot=self.bot)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "The widget has a new key: update the script tag on your website.")
        return redirect("dashboard:bot-settings", bot_id=bot_id)


class BotWidgetView(BotMixin, FormView):
    """The snippet to paste, the widget's settings, and a live preview on the page itself."""

    template_name = "dashboard/bots/widget.html"
    form_class = WidgetForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_role(self.actor, Role.ADMIN, action="change the widget")
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.bot}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        site = settings.SITE_URL
        snippet = f'<script src="{site}/static/chatsphere/widget.js" data-bot="{self.bot.public_key}" async></script>'
        return super().get_context_data(snippet=snippet, hosted_url=f"{site}/chat/{self.bot.public_key}/", **kwargs)

    def form_valid(self, form: WidgetForm) -> HttpResponse:
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        bot = selectors.bot_get(organization=self.actor.organization, bot_id=self.bot.id)
        try:
            services.bot_update(actor=self.actor, bot=bot, **changes)
        except (ValidationError, ApplicationError) as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Widget settings saved; the preview below shows them.")
        return redirect("dashboard:bot-widget", bot_id=bot.id)

    def form_invalid(self, form: WidgetForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)
