"""Starting points for a new bot: the prompt, greeting and suggested questions of a common use.

A template only fills in settings at creation; the owner can change every one of them afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class BotTemplate:
    key: str
    label: str
    #: What the template is for and how it behaves differently, shown next to the choice.
    summary: str
    system_prompt: str
    welcome_message: str
    suggested_questions: list[str] = field(default_factory=list)
    #: Support and sales bots keep to their documents strictly; a docs bot quotes more passages.
    top_k: int = 5
    temperature: float = 0.2

    def settings(self) -> dict[str, object]:
        return {
            "system_prompt": self.system_prompt,
            "welcome_message": self.welcome_message,
            "suggested_questions": list(self.suggested_questions),
            "top_k": self.top_k,
            "temperature": self.temperature,
        }


TEMPLATES: dict[str, BotTemplate] = {
    template.key: template
    for template in (
        BotTemplate(
            key="support",
            label="Customer support",
            summary="Answers customers' questions about orders, accounts and problems, politely and briefly, "
            "and says when to contact a person.",
            system_prompt=(
                "You are the customer support assistant of this company. Answer politely and briefly, in steps "
                "when the customer has to do something. If the documents do not cover the problem, say so and "
                "suggest contacting the support team; never invent policies, prices or deadlines."
            ),
            welcome_message="Hi! I can help with questions about your account, orders and common problems.",
            suggested_questions=["How do I reset my password?", "How can I contact support?"],
            top_k=5,
            temperature=0.1,
        ),
        BotTemplate(
            key="docs",
            label="Product documentation",
            summary="Explains how the product works from your manuals and guides, with more passages per "
            "answer and the exact names of settings and commands.",
            system_prompt=(
                "You are the documentation assistant of this product. Explain how things work precisely, "
                "using the exact names of settings, commands and pages from the documents, and give short "
                "examples where they help. If the documentation does not say, answer that it does not."
            ),
            welcome_message="Hi! Ask me how to use the product: I answer from its documentation.",
            suggested_questions=["How do I get started?", "What are the system requirements?"],
            top_k=8,
            temperature=0.2,
        ),
        BotTemplate(
            key="sales",
            label="Sales and pre-sales",
            summary="Helps visitors choose: plans, prices and features, in a friendly tone, and points them "
            "to a demo or the sales team.",
            system_prompt=(
                "You are the sales assistant of this company. Help visitors understand the plans, prices and "
                "features that fit their needs, in a friendly and confident tone. Quote prices only as the "
                "documents state them, and offer a demo or the sales team for anything they do not cover."
            ),
            welcome_message="Hi! Looking for the right plan? Ask me about features and pricing.",
            suggested_questions=["Which plan is right for me?", "Is there a free trial?"],
            top_k=5,
            temperature=0.4,
        ),
    )
}
