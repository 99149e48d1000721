"""The embeddable widget and the hosted chat page in a real Chromium (see conftest.py).

Every test saves a screenshot under test-artifacts/browser/.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, ChatServer, HostSite, Session, host_page

pytestmark = pytest.mark.browser

RETURNS_TEXT = (
    "Acme accepts returns within 30 days of delivery for a full refund.\n"
    "Refunds are paid to the original card within five business days.\n"
    "Gift cards cannot be refunded or exchanged."
)
QUESTION = "Within how many days are returns accepted?"
ANSWER_TIMEOUT = 20_000
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}

# Restyles every element the host page can reach, as a careless theme might.
HOSTILE_CSS = """<style>
* { box-sizing: content-box !important; font-family: "Comic Sans MS", cursive !important;
    font-size: 31px !important; line-height: 3 !important; color: #ff00ff !important;
    letter-spacing: 4px !important; text-transform: uppercase !important; }
div { display: inline !important; padding: 40px !important; margin: 25px !important;
      border: 9px dashed lime !important; background: yellow !important; position: relative !important;
      width: 50px !important; }
button { all: unset; display: block !important; width: 300px !important; height: 11px !important;
         background: red !important; border-radius: 0 !important; transform: rotate(12deg) !important;
         opacity: .4 !important; }
textarea, input { font-size: 40px !important; border: 10px solid red !important; }
body { transform: none; }
</style>"""


def widget_bot(server: ChatServer, site: HostSite, **extra: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "allowed_origins": [site.origin],
        "documents": [{"title": "Returns policy", "text": RETURNS_TEXT}],
        "suggested_questions": ["How are refunds paid?"],
        "welcome_message": "Hello! Ask me about **returns**.",
    }
    fields.update(extra)
    return server.bot(**fields)


def launcher(page: Any) -> Any:
    return page.locator("chatsphere-widget .launcher")


def panel(page: Any) -> Any:
    return page.locator("chatsphere-widget .panel")


def wait_for_warning(page: Any, session: Session, text: str) -> str:
    """The console warning that mentions `text` (console events arrive a moment after the call)."""
    for _ in range(50):
        found = [warning for warning in session.console_warnings if text in warning]
        if found:
            return found[0]
        page.wait_for_timeout(100)
    raise AssertionError(f"no console warning mentions {text}: {session.console_warnings}")


def message_box(page: Any) -> Any:
    return page.locator("chatsphere-widget textarea")


def answers(page: Any) -> Any:
    return page.locator("chatsphere-widget .msg.bot:not(.welcome):not(.typing)")


def watch_typing_indicator(page: Any) -> None:
    """Records in `window.__sawTyping` whether the typing indicator was ever shown."""
    page.evaluate(
        """() => {
          const log = document.querySelector('chatsphere-widget').shadowRoot.querySelector('.log');
          window.__sawTyping = false;
          new MutationObserver(() => {
            if (log.querySelector('.typing')) window.__sawTyping = true;
          }).observe(log, {childList: true, subtree: true});
        }"""
    )


def ask(page: Any, text: str) -> None:
    box = message_box(page)
    box.fill(text)
    box.press("Enter")


def wait_for_answers(page: Any, count: int) -> Any:
    expect(answers(page)).to_have_count(count, timeout=ANSWER_TIMEOUT)
    answer = answers(page).nth(count - 1)
    expect(answer.locator(".tools")).to_be_visible(timeout=ANSWER_TIMEOUT)  # feedback shows once done
    return answer


def active_element(page: Any) -> dict[str, str]:
    """The focused element, looking inside the widget's shadow root."""
    return page.evaluate(
        """() => {
          let el = document.activeElement;
          while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
          return {tag: el.tagName.toLowerCase(), cls: el.className || '', label: el.getAttribute('aria-label') || ''};
        }"""
    )


# --- asking --------------------------------------------------------------------------------------


def test_visitor_asks_and_gets_a_streamed_cited_answer(
    chat_server: ChatServer, allowed_site: HostSite, session: Session
) -> None:
    bot = widget_bot(chat_server, allowed_site)
    page = session.page
    page.goto(allowed_site.page(host_page(chat_server, bot["public_key"])))

    expect(launcher(page)).to_be_visible()
    expect(launcher(page)).to_have_attribute("aria-expanded", "false")
    launcher(page).click()
    expect(panel(page)).to_be_visible()
    expect(launcher(page)).to_have_attribute("aria-expanded", "true")
    expect(page.locator("chatsphere-widget .head h2")).to_have_text("Acme help")
    expect(page.locator("chatsphere-widget .welcome")).to_contain_text("Hello! Ask me about returns.")
    expect(page.locator("chatsphere-widget .welcome strong")).to_have_text("returns")
    expect(page.locator("chatsphere-widget .chip")).to_have_text(["How are refunds paid?"])
    watch_typing_indicator(page)

    ask(page, QUESTION)

    answer = wait_for_answers(page, 1)
    tokens = session.events("token")
    # The offline answerer writes its whole answer at once: the first piece comes alone, the rest
    # merged into the socket's next frame (tokens arriving within 30 ms share one).
    assert len(tokens) >= 2, "the answer arrives in pieces"
    streamed = "".join(token["text"] for token in tokens)
    assert "30 days" in streamed
    expect(answer.locator(".body")).to_contain_text("Acme accepts returns within 30 days of delivery")
    assert page.evaluate("window.__sawTyping") is True
    expect(answer.locator(".sources li")).to_have_text(["Returns policy"])
    expect(answer.locator(".cite").first).to_have_text("[1]")
    expect(page.locator("chatsphere-widget .msg.user")).to_have_text([re.compile(re.escape(QUESTION))])
    expect(page.locator("chatsphere-widget .suggest")).to_be_hidden()  # suggestions go once asked
    expect(message_box(page)).to_be_focused()
    # The host page's origin is the one the visitor's conversation is recorded with.
    (conversation,) = chat_server.conversations(bot["public_key"])
    assert conversation["channel"] == "widget"
    assert conversation["origin_page"].startswith(allowed_site.origin + "/page-")
    assert [m["role"] for m in conversation["messages"]] == ["user", "assistant"]
    assert session.sent("message")[0] == {"type": "message", "text": QUESTION}
    assert session.dialogs == []


def test_suggested_question_and_feedback(chat_server: ChatServer, allowed_site: HostSite, session: Session) -> None:
    bot = widget_bot(chat_server, allowed_site, primary_color="#FDE047", position="left")
    page = session.page
    page.goto(allowed_site.page(host_page(chat_server, bot["public_key"])))
    launcher(page).click()

    page.locator("chatsphere-widget .chip", has_text="How are refunds paid?").click()
    answer = wait_for_answers(page, 1)
    expect(answer).to_contain_text("original card")
    helpful = answer.get_by_role("button", name="Helpful", exact=True)
    helpful.click()

    expect(helpful).to_have_attribute("aria-pressed", "true")
    expect(answer.get_by_role("button", name="Not helpful")).to_have_attribute("aria-pressed", "false")
    (conversation,) = chat_server.conversations(bot["public_key"])
    assert conversation["messages"][1]["feedback"] == 1
    # A light brand colour gets dark text, and the launcher sits on the left.
    colors = page.evaluate(
        """() => {
          const root = document.querySelector('chatsphere-widget').shadowRoot;
          const head = getComputedStyle(root.querySelector('.head'));
          const box = root.querySelector('.launcher').getBoundingClientRect();
          return {bg: head.backgroundColor, fg: head.color, left: box.left};
        }"""
    )
    assert colors["bg"] == "rgb(253, 224, 71)"
    assert colors["fg"] == "rgb(17, 24, 39)"
    assert colors["left"] < 100


def test_reload_continues_the_conversation(chat_server: ChatServer, allowed_site: HostSite, session: Session) -> None:
    bot = widget_bot(chat_server, allowed_site)
    page = session.page
    page.goto(allowed_site.page(host_page(chat_server, bot["public_key"])))
    launcher(page).click()
    ask(page, QUESTION)
    wait_for_answers(page, 1)
    (first_conversation,) = session.events("conversation")
    token = session.events("session")[0]["visitor_token"]

    page.reload()

    # The panel reopens with the earlier exchange, and the next question continues it.
    expect(panel(page)).to_be_visible()
    expect(page.locator("chatsphere-widget .msg.user")).to_have_count(1)
    expect(answers(page)).to_have_count(1)
    expect(answers(page).first.locator(".sources li")).to_have_text(["Returns policy"])
    ask(page, "How are refunds paid?")
    answer = wait_for_answers(page, 2)
    expect(answer).to_contain_text("original card")

    assert session.sent("message")[-1]["conversation_id"] == first_conversation["id"]
    assert session.events("conversation")[-1]["id"] == first_conversation["id"]
    reconnect_url = session.sockets[-1].url
    assert "visitor_token=" + token.replace(":", "%3A") in reconnect_url
    (conversation,) = chat_server.conversations(bot["public_key"])
    assert [m["role"] for m in conversation["messages"]] == ["user", "assistant", "user", "assistant"]


def test_reload_shows_the_conversation_as_the_server_has_it(
    chat_server: ChatServer, allowed_site: HostSite, session: Session
) -> None:
    bot = widget_bot(chat_server, allowed_site)
    page = session.page
    page.goto(allowed_site.page(host_page(chat_server, bot["public_key"])))
    launcher(page).click()
    ask(page, QUESTION)
    wait_for_answers(page, 1)
    # The browser kept the visitor token and the conversation, but not the transcript.
    page.evaluate(
        """() => {
            for (const key of Object.keys(localStorage).filter((k) => k.startsWith("chatsphere:"))) {
                const state = JSON.parse(localStorage.getItem(key));
                state.messages = [];
                localStorage.setItem(key, JSON.stringify(state));
            }
        }"""
    )

    page.reload()

    expect(panel(page)).to_be_visible()
    expect(page.locator("chatsphere-widget .msg.user")).to_have_count(1)
    expect(answers(page)).to_have_count(1)
    expect(answers(page).first.locator(".sources li")).to_have_text(["Returns policy"])
    assert session.sent("history")[-1]["conversation_id"] == session.events("conversation")[0]["id"]


def test_reconnects_after_the_connection_drops(
    chat_server: ChatServer, allowed_site: HostSite, session: Session
) -> None:
    bot = widget_bot(chat_server, allowed_site)
    page = session.page
    routes: list[Any] = []
    refuse = {"next": 0}

    def through_proxy(route: Any) -> None:
        # Stands between the page and the server, so that the test can cut the connection.
        if refuse["next"]:
            refuse["next"] -= 1
            route.close(code=1011, reason="server went away")
            return
        route.connect_to_server()
        routes.append(route)

    page.route_web_socket(re.compile(r"/ws/widget/"), through_proxy)
    page.goto(allowed_site.page(host_page(chat_server, bot["public_key"])))
    launcher(page).click()
    connection = page.locator("chatsphere-widget .root")
    expect(connection).to_have_attribute("data-connection", "online")
    assert len(routes) == 1

    refuse["next"] = 1  # the first attempt to reconnect fails too
    routes[0].close(code=1011, reason="server went away")

    notice = page.locator("chatsphere-widget .notice")
    expect(notice).to_contain_text("Connection lost. Reconnecting in")
    expect(notice.get_by_role("button", name="Reconnect now")).to_be_visible()
    expect(connection).to_have_attribute("data-connection", "offline")
    expect(notice).to_contain_text("Connected again.", timeout=20_000)
    expect(connection).to_have_attribute("data-connection", "online")
    assert len(routes) == 2
    ask(page, QUESTION)
    wait_for_answers(page, 1)
    expect(notice).to_be_hidden(timeout=10_000)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_an_answer_cut_off_mid_stream_is_resumed_and_shown_once(
    chat_server: ChatServer, allowed_site: HostSite, new_session: Any, viewport: str
) -> None:
    bot = widget_bot(chat_server, allowed_site)
    session = new_session(viewport=VIEWPORTS[viewport])
    page = session.page
    routes: list[Any] = []

    def through_proxy(route: Any) -> None:
        # Stands between the page and the server; the first connection is cut right after the
        # answer's first piece reached the page, as a network that goes away mid-answer.
        server = route.connect_to_server()
        first = not routes
        routes.append(route)
        cut = {"done": False}

        def from_server(message: str | bytes) -> None:
            if cut["done"]:
                return
            route.send(message)
            if first and json.loads(message).get("type") == "token":
                cut["done"] = True
                server.close(code=1001, reason="gone")
                route.close(code=1011, reason="network lost")

        server.on_message(from_server)

    page.route_web_socket(re.compile(r"/ws/widget/"), through_proxy)
    page.goto(allowed_site.page(host_page(chat_server, bot["public_key"])))
    launcher(page).click()
    expect(page.locator("chatsphere-widget .root")).to_have_attribute("data-connection", "online")

    ask(page, QUESTION)
    notice = page.locator("chatsphere-widget .notice")
    expect(notice).to_contain_text("Connection lost. Reconnecting in")
    answer = wait_for_answers(page, 1)

    assert len(routes) == 2, "reconnected once"
    expect(notice).to_contain_text("Connected again.")
    (conversation,) = chat_server.conversations(bot["public_key"])
    saved = conversation["messages"][-1]
    assert saved["role"] == "assistant" and "30 days" in saved["content"]
    shown = answer.locator(".body").inner_text()
    # Every sentence of the saved answer is shown, once: nothing lost, nothing repeated.
    for sentence in re.findall(r"[A-Z][^.]*\.", saved["content"]):
        assert shown.count(sentence) == 1, (sentence, shown)
    expect(answer.locator(".sources li")).to_have_text(["Returns policy"])
    expect(page.locator("chatsphere-widget .sys")).to_have_count(0)  # no "interrupted" note
    expect(message_box(page)).to_be_enabled()
    (resumed,) = [frame for frame in session.frames_out if frame.get("type") == "resume"]
    assert resumed["after"] >= 2 and len(resumed["stream_id"]) == 32


# --- where the widget may run --------------------------------------------------------------------


def test_origin_not_allowed(
    chat_server: ChatServer, allowed_site: HostSite, stranger_site: HostSite, session: Session
) -> None:
    bot = widget_bot(chat_server, allowed_site)
    page = session.page
    page.goto(stranger_site.page(host_page(chat_server, bot["public_key"])))

    # Visitors see no chat at all there; the site owner finds why in the console.
    expect(page.locator("chatsphere-widget")).to_have_count(0)
    expect(launcher(page)).to_have_count(0)
    assert "allowed origins" in wait_for_warning(page, session, stranger_site.origin)
    assert session.sockets == []  # the widget does not even try
    # And the socket itself refuses this origin.
    outcome = page.evaluate(
        """(url) => new Promise((resolve) => {
          const ws = new WebSocket(url);
          let opened = false;
          ws.onopen = () => { opened = true; };
          ws.onclose = (event) => resolve({opened, code: event.code});
        })""",
        chat_server.url.replace("http://", "ws://") + f"/ws/widget/{bot['public_key']}/",
    )
    assert outcome == {"opened": False, "code": 1006}
    assert chat_server.conversations(bot["public_key"]) == []


def test_unknown_key_is_not_available(chat_server: ChatServer, allowed_site: HostSite, session: Session) -> None:
    page = session.page
    page.goto(allowed_site.page(host_page(chat_server, "pk_does_not_exist", attributes="data-open")))

    expect(page.locator("chatsphere-widget")).to_have_count(0)
    wait_for_warning(page, session, "pk_does_not_exist")


# --- nothing in a document runs ------------------------------------------------------------------


def test_html_in_documents_is_shown_as_text(chat_server: ChatServer, allowed_site: HostSite, session: Session) -> None:
    payload = (
        "The warranty lasts two years <img src=x onerror=\"window.__pwned='img';alert('img')\"> "
        "<script>window.__pwned='script';alert('script')</script> for every kettle.\n"
        "Warranty claims go through <a href=\"javascript:window.__pwned='a'\">the claims form</a> online."
    )
    bot = widget_bot(
        chat_server,
        allowed_site,
        documents=[{"title": "<b>Warranty</b><img src=x onerror=alert('title')>", "text": payload}],
    )
    page = session.page
    page.goto(allowed_site.page(host_page(chat_server, bot["public_key"])))
    launcher(page).click()

    ask(page, "Kettle warranty: how long does it last, and where do warranty claims go?")

    answer = wait_for_answers(page, 1)
    body = answer.locator(".body")
    expect(body).to_contain_text("<img src=x onerror=")
    expect(body).to_contain_text("<script>window.__pwned='script';alert('script')</script>")
    expect(body).to_contain_text("<a href=\"javascript:window.__pwned='a'\">the claims form</a>")
    expect(answer.locator(".sources li")).to_have_text(["<b>Warranty</b><img src=x onerror=alert('title')>"])
    # Nothing became markup: no image, script, bold or javascript: link inside the widget.
    counts = page.evaluate(
        """() => {
          const root = document.querySelector('chatsphere-widget').shadowRoot;
          return {
            img: root.querySelectorAll('img').length,
            script: root.querySelectorAll('script').length,
            b: root.querySelectorAll('b').length,
            jsLinks: [...root.querySelectorAll('a')].filter(a => !/^(https?|mailto):/.test(a.href)).length,
          };
        }"""
    )
    assert counts == {"img": 0, "script": 0, "b": 0, "jsLinks": 0}
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned === undefined")
    assert session.dialogs == []


def test_markdown_links_lists_and_code(chat_server: ChatServer, allowed_site: HostSite, session: Session) -> None:
    # The welcome message is rendered with the same Markdown renderer as answers.
    welcome = (
        "Start here:\n\n- see [our docs](https://docs.example.com/start)\n- write to [us](mailto:help@example.com)\n"
        "- run `make setup`\n\n1. **bold** and *italic*\n2. [bad](javascript:alert(1))\n\n```\n<b>code</b>\n```"
    )
    bot = widget_bot(chat_server, allowed_site, welcome_message=welcome)
    page = session.page
    page.goto(allowed_site.page(host_page(chat_server, bot["public_key"], attributes="data-open")))

    welcome_box = page.locator("chatsphere-widget .welcome .body")
    expect(welcome_box.locator("ul > li")).to_have_count(3)
    expect(welcome_box.locator("ol > li")).to_have_count(2)
    link = welcome_box.locator("a", has_text="our docs")
    expect(link).to_have_attribute("href", "https://docs.example.com/start")
    expect(link).to_have_attribute("rel", "noopener noreferrer nofollow")
    expect(link).to_have_attribute("target", "_blank")
    expect(welcome_box.locator("code").first).to_have_text("make setup")
    expect(welcome_box.locator("strong")).to_have_text("bold")
    expect(welcome_box.locator("em")).to_have_text("italic")
    expect(welcome_box.locator("pre code")).to_have_text("<b>code</b>")
    expect(welcome_box.locator("a", has_text="bad")).to_have_count(0)
    expect(welcome_box.locator("ol > li").nth(1)).to_have_text("bad")


# --- accessibility and layout --------------------------------------------------------------------


def test_keyboard_only_journey(chat_server: ChatServer, allowed_site: HostSite, session: Session) -> None:
    bot = widget_bot(chat_server, allowed_site)
    page = session.page
    page.goto(allowed_site.page(host_page(chat_server, bot["public_key"])))
    expect(launcher(page)).to_be_visible()

    # Tab from the top of the page reaches the host's link, then the launcher.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "host-link"
    page.keyboard.press("Tab")
    assert active_element(page)["cls"] == "launcher"
    assert active_element(page)["label"] == "Open chat"

    page.keyboard.press("Enter")
    expect(panel(page)).to_be_visible()
    expect(panel(page)).to_have_attribute("role", "dialog")
    expect(message_box(page)).to_be_focused()
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    answer = wait_for_answers(page, 1)
    expect(answer).to_contain_text("30 days")
    expect(message_box(page)).to_be_focused()
    expect(message_box(page)).to_have_value("")

    # Shift+Enter writes a new line rather than sending.
    page.keyboard.type("first line")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("second line")
    expect(message_box(page)).to_have_value("first line\nsecond line")
    assert len(session.sent("message")) == 1

    # The rating buttons are reachable and work from the keyboard.
    helpful = answer.get_by_role("button", name="Helpful", exact=True)
    helpful.focus()
    page.keyboard.press("Enter")
    expect(helpful).to_have_attribute("aria-pressed", "true")

    page.keyboard.press("Escape")
    expect(panel(page)).to_be_hidden()
    assert active_element(page)["cls"] == "launcher"
    expect(launcher(page)).to_have_attribute("aria-expanded", "false")

    # Accessible names and live regions are in place.
    roles = page.evaluate(
        """() => {
          const root = document.querySelector('chatsphere-widget').shadowRoot;
          const log = root.querySelector('.log');
          const box = root.querySelector('textarea');
          return {
            log: log.getAttribute('role'), live: log.getAttribute('aria-live'),
            label: root.querySelector('label[for="' + box.id + '"]').textContent,
            send: root.querySelector('.sendb').getAttribute('aria-label'),
            dialogLabel: root.getElementById(root.querySelector('.panel').getAttribute('aria-labelledby')).textContent,
          };
        }"""
    )
    assert roles == {
        "log": "log",
        "live": "polite",
        "label": "Your message",
        "send": "Send",
        "dialogLabel": "Acme help",
    }


def test_default_colours_pass_wcag_aa(chat_server: ChatServer, allowed_site: HostSite, session: Session) -> None:
    bot = widget_bot(chat_server, allowed_site)
    page = session.page
    page.goto(allowed_site.page(host_page(chat_server, bot["public_key"], attributes="data-open")))
    expect(page.locator("chatsphere-widget .welcome")).to_be_visible()
    ask(page, QUESTION)
    wait_for_answers(page, 1)

    ratios = page.evaluate(
        """() => {
          const root = document.querySelector('chatsphere-widget').shadowRoot;
          const parse = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
          const lum = (c) => {
            const l = c.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
            return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
          };
          const ratio = (a, b) => {
            const x = lum(parse(a)), y = lum(parse(b));
            return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
          };
          const pair = (sel, bgSel) => {
            const el = root.querySelector(sel), bg = root.querySelector(bgSel || sel);
            return ratio(getComputedStyle(el).color, getComputedStyle(bg).backgroundColor);
          };
          return {
            header: pair('.head h2', '.head'),
            user: pair('.msg.user', '.msg.user'),
            bot: pair('.msg.bot:not(.welcome) .body', '.msg.bot:not(.welcome)'),
            sources: pair('.sources li', '.msg.bot:not(.welcome)'),
            placeholderFree: pair('textarea', 'textarea'),
            launcher: pair('.launcher'),
            footer: pair('.foot', '.panel'),
          };
        }"""
    )
    for name, ratio in ratios.items():
        assert ratio >= 4.5, f"{name}: {ratio:.2f}"


WIDGET_COLOURS = """() => {
  const root = document.querySelector('chatsphere-widget').shadowRoot;
  const parse = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (c) => {
    const l = c.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
  };
  const ratio = (a, b) => {
    const x = lum(parse(a)), y = lum(parse(b));
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  };
  const style = (sel) => getComputedStyle(root.querySelector(sel));
  return {
    dark: root.querySelector('.root').classList.contains('dark'),
    panel: style('.log').backgroundColor,
    ratios: {
      header: ratio(style('.head h2').color, style('.head').backgroundColor),
      bot: ratio(style('.msg.bot:not(.welcome) .body').color, style('.msg.bot:not(.welcome)').backgroundColor),
      chip: ratio(style('.chip').color, style('.chip').backgroundColor),
      sources: ratio(style('.sources li').color, style('.msg.bot:not(.welcome)').backgroundColor),
      box: ratio(style('textarea').color, style('textarea').backgroundColor),
      footer: ratio(style('.foot').color, style('.form').backgroundColor),
    },
  };
}"""


@pytest.mark.parametrize(
    ("theme", "system", "dark"),
    [("dark", "light", True), ("auto", "dark", True), ("auto", "light", False), ("light", "dark", False)],
)
def test_widget_colours_follow_the_bot_theme_at_aa_contrast(
    chat_server: ChatServer, allowed_site: HostSite, new_session: Any, theme: str, system: str, dark: bool
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    # A dark navy bot colour: on the dark panel its accents must be lightened to stay readable.
    bot = widget_bot(chat_server, allowed_site, primary_color="#1E3A8A", theme=theme)
    page = new_session(color_scheme=system).page
    page.goto(allowed_site.page(host_page(chat_server, bot["public_key"], attributes="data-open")))
    expect(page.locator("chatsphere-widget .welcome")).to_be_visible()
    ask(page, QUESTION)
    wait_for_answers(page, 1)

    colours = page.evaluate(WIDGET_COLOURS)
    assert colours["dark"] is dark
    assert colours["panel"] == ("rgb(17, 24, 39)" if dark else "rgb(255, 255, 255)")
    for name, ratio in colours["ratios"].items():
        assert ratio >= 4.5, f"{name}: {ratio:.2f}"
    violations = Axe().run(page, context={"include": [["chatsphere-widget"]]}).response["violations"]
    blocking = [v["id"] for v in violations if v.get("impact") in {"serious", "critical"}]
    assert blocking == [], blocking


def test_small_screen_is_full_screen(chat_server: ChatServer, allowed_site: HostSite, new_session: Any) -> None:
    session = new_session(viewport={"width": 375, "height": 700}, is_mobile=True, has_touch=True)
    bot = widget_bot(chat_server, allowed_site)
    page = session.page
    page.goto(allowed_site.page(host_page(chat_server, bot["public_key"])))

    launcher(page).click()

    expect(panel(page)).to_be_visible()
    box = panel(page).bounding_box()
    assert box == {"x": 0, "y": 0, "width": 375, "height": 700}
    expect(launcher(page)).to_be_hidden()
    expect(page.get_by_role("button", name="Close chat")).to_be_visible()
    ask(page, QUESTION)
    wait_for_answers(page, 1)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "test_small_screen_is_full_screen-open.png"))
    page.get_by_role("button", name="Close chat").click()
    expect(panel(page)).to_be_hidden()
    expect(launcher(page)).to_be_visible()


def test_host_css_does_not_reach_the_widget(chat_server: ChatServer, allowed_site: HostSite, new_session: Any) -> None:
    bot = widget_bot(chat_server, allowed_site)
    measure = """() => {
      const root = document.querySelector('chatsphere-widget').shadowRoot;
      const rect = (sel) => { const r = root.querySelector(sel).getBoundingClientRect();
                              return [r.x, r.y, r.width, r.height].map(Math.round); };
      const style = (sel, props) => { const s = getComputedStyle(root.querySelector(sel));
                                      return props.map((p) => s.getPropertyValue(p)); };
      return {
        launcher: rect('.launcher'), panel: rect('.panel'), head: rect('.head'), input: rect('textarea'),
        send: rect('.sendb'), bubble: rect('.msg.user'),
        headStyle: style('.head h2', ['font-size', 'color', 'font-family', 'text-transform', 'letter-spacing']),
        bubbleStyle: style('.msg.user', ['padding-top', 'margin-top', 'border-top-width', 'background-color',
                                         'display']),
        buttonStyle: style('.sendb', ['width', 'height', 'opacity', 'transform', 'background-color']),
        inputStyle: style('textarea', ['font-size', 'border-top-width']),
      };
    }"""
    results = []
    for head in ("", HOSTILE_CSS):
        session = new_session()
        page = session.page
        page.goto(allowed_site.page(host_page(chat_server, bot["public_key"], head=head)))
        launcher(page).click()
        ask(page, QUESTION)
        wait_for_answers(page, 1)
        results.append(page.evaluate(measure))

    plain, hostile = results
    assert hostile == plain
    # The host's own elements did change, so the rules were really in force.
    assert session.page.evaluate("getComputedStyle(document.querySelector('h1')).fontSize") == "31px"


# --- languages and the hosted page ---------------------------------------------------------------


def test_french_strings(chat_server: ChatServer, allowed_site: HostSite, new_session: Any) -> None:
    bot = widget_bot(chat_server, allowed_site)
    session = new_session(locale="fr-FR")
    page = session.page
    page.goto(allowed_site.page(host_page(chat_server, bot["public_key"])))

    expect(page.get_by_role("button", name="Ouvrir la discussion")).to_be_visible()
    page.get_by_role("button", name="Ouvrir la discussion").click()
    expect(message_box(page)).to_have_attribute("placeholder", "Posez une question…")
    expect(page.get_by_role("button", name="Envoyer")).to_be_visible()

    # data-lang wins over the browser's language.
    page.goto(allowed_site.page(host_page(chat_server, bot["public_key"], attributes='data-lang="en"')))
    expect(launcher(page)).to_have_attribute("aria-label", "Close chat")  # reopened from the saved state
    expect(message_box(page)).to_have_attribute("placeholder", "Ask a question…")


def test_hosted_chat_page(chat_server: ChatServer, session: Session) -> None:
    # No allowed origins: the bot's own hosted page is the one place it runs.
    bot = chat_server.bot(
        allowed_origins=[],
        documents=[{"title": "Returns policy", "text": RETURNS_TEXT}],
        widget_title="Acme support",
    )
    page = session.page
    page.goto(f"{chat_server.url}/chat/{bot['public_key']}/")

    expect(page).to_have_title("Acme support")
    expect(panel(page)).to_be_visible()
    expect(launcher(page)).to_have_count(0)
    expect(page.get_by_role("button", name="Close chat")).to_have_count(0)
    box = panel(page).bounding_box()
    assert box == {"x": 0, "y": 0, "width": 1280, "height": 800}
    expect(message_box(page)).to_be_focused()
    ask(page, QUESTION)
    answer = wait_for_answers(page, 1)
    expect(answer.locator(".sources li")).to_have_text(["Returns policy"])
    page.keyboard.press("Escape")
    expect(panel(page)).to_be_visible()  # nothing to close on the full page

    response = page.goto(f"{chat_server.url}/chat/pk_missing/")
    assert response is not None
    assert response.status == 404
    assert session.dialogs == []
