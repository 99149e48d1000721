"""Dashboard pages for bots: create, settings, delete, widget key (the list is `chatsphere.home`)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts.models import Role
from accounts.tenancy import require_role
from bots import selectors, services
from bots.forms import ADVANCED_FIELDS, BotCreateForm, BotForm, WidgetForm
from bots.handoff import HANDOFF_FIELDS
from bots.models import Bot
from bots.templates_catalog import TEMPLATES
from chatsphere.dashboard import OrganizationMixin

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


class BotMixin(OrganizationMixin):
    """A page about one bot of the selected organization (another organization's bot is 404)."""

    kwargs: dict[str, Any]

    @property
    def bot(self) -> Bot:
        if not hasattr(self, "_bot"):
            self._bot = selectors.access_bot_by_id(self.actor, self.kwargs["bot_id"])
        return self._bot

    def resolve_objects(self) -> None:
        self.bot  # noqa: B018

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(bot=self.bot, bot_sections=BOT_SECTIONS, **kwargs)


class BotCreateView(OrganizationMixin, FormView):
    """Name and template only; the new bot's next step is its knowledge."""

    template_name = "dashboard/bots/create.html"
    form_class = BotCreateForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(templates=TEMPLATES, **kwargs)

    def form_valid(self, form: BotCreateForm) -> HttpResponse:
        data = form.cleaned_data
        bot = services.bot_create(actor=self.actor, name=data["name"], template=data["template"] or None)
        messages.success(self.request, f"{bot.name} was created. Now give it something to answer from.")
        return redirect("dashboard:bot-knowledge", bot_id=bot.id)


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
        bot = selectors.access_bot_by_id(self.actor, self.bot.id)
        services.bot_update(actor=self.actor, bot=bot, **changes)
        messages.success(self.request, "Settings saved.")
        return redirect("dashboard:bot-settings", bot_id=bot.id)

    def form_invalid(self, form: BotForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context["advanced_fields"] = [form[name] for name in ADVANCED_FIELDS]
        context["advanced_open"] = any(form[name].errors for name in ADVANCED_FIELDS)
        context["handoff_fields"] = [form[name] for name in HANDOFF_FIELDS if name != "handoff_notify_user_ids"]
        context["handoff_open"] = form["handoff_enabled"].value() or any(form[name].errors for name in HANDOFF_FIELDS)
        return context


class _BotSettingsAction(BotMixin):
    """A button of the bot's settings: what went wrong is told there."""

    refusal_as_message = True

    def error_url(self) -> str:
        return reverse("dashboard:bot-settings", kwargs={"bot_id": self.bot.id})


class BotDeleteView(_BotSettingsAction, TemplateView):
    template_name = "dashboard/bots/delete.html"

    def post(self, request: HttpRequest, bot_id: uuid.UUID) -> HttpResponse:
        name = self.bot.name
        services.bot_delete(actor=self.actor, bot=self.bot)
        messages.success(request, f"{name} was deleted with its documents and conversations.")
        return redirect("dashboard:bot-list")


class BotRotateKeyView(_BotSettingsAction, View):
    def post(self, request: HttpRequest, bot_id: uuid.UUID) -> HttpResponse:
        services.bot_rotate_key(actor=self.actor, bot=self.bot)
        messages.success(request, "The widget has a new key: update the script tag on your website.")
        return redirect("dashboard:bot-settings", bot_id=bot_id)


class BotRotateIdentitySecretView(BotSettingsView):
    """Make the identity secret: the settings page is rendered (not redirected to) with the new
    secret, so it is never put in the session and is shown this once."""

    def get_form_kwargs(self) -> dict[str, Any]:
        # The settings form as saved: this POST is the button's, not the form's.
        kwargs = super().get_form_kwargs()
        kwargs.pop("data", None)
        kwargs.pop("files", None)
        return kwargs

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        bot, secret = services.bot_rotate_identity_secret(actor=self.actor, bot=self.bot)
        self._bot = bot
        return self.render_to_response(self.get_context_data(identity_secret=secret))


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
        bot = selectors.access_bot_by_id(self.actor, self.bot.id)
        services.bot_update(actor=self.actor, bot=bot, **changes)
        messages.success(self.request, "Widget settings saved; the preview below shows them.")
        return redirect("dashboard:bot-widget", bot_id=bot.id)

    def form_invalid(self, form: WidgetForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)
