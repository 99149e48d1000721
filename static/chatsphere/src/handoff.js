/* Human handoff: the contact form the server offers in the chat (a `handoff` event), its checks,
 * and its sending over HTTPS, kept filled and tried again when the network or the server fails. */
import { attrs, el } from "./view.js";

// Pauses (seconds) before the automatic tries after a network or server failure; then the visitor
// sends again by hand, with everything still filled in.
export var RETRY_DELAYS = [2, 5, 10];

var EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function leadUrl(base, botKey) {
  return base + "/api/v1/widget/" + encodeURIComponent(botKey) + "/leads/";
}

// The form's values checked as the server will: {field: sentence} (empty when all is well).
// `form` is the event's `form`: {fields: [{name, label, required, max_length}], consent_text}.
export function validateLead(form, values, s) {
  var errors = {};
  (form.fields || []).forEach(function (field) {
    var value = String(values[field.name] || "").trim();
    if (!value) {
      if (field.required) errors[field.name] = s("handoffRequired", { label: field.label });
    } else if (field.max_length && value.length > field.max_length) {
      errors[field.name] = s("handoffTooLong", { label: field.label, n: field.max_length });
    } else if (field.name === "email" && !EMAIL.test(value)) {
      errors[field.name] = s("handoffEmail");
    }
  });
  if (form.consent_text && values.consent !== true) errors.consent = s("handoffConsent");
  return errors;
}

// What the sender does with an answer: sent, wrong fields, too many, refused, or worth retrying.
export function outcome(status, body, s) {
  if (status === 201) return { kind: "sent", lead: body };
  if (status === 429) {
    var wait = (body && body.retry_after) || 60;
    return { kind: "limited", seconds: wait, message: s("handoffLimited", { s: wait }) };
  }
  if (status === 400 && body && body.errors && typeof body.errors === "object") {
    var errors = {};
    for (var name in body.errors) {
      var list = body.errors[name];
      errors[name] = Array.isArray(list) ? String(list[0]) : String(list);
    }
    return { kind: "invalid", errors: errors };
  }
  if (status === 403 || status === 404) {
    return { kind: "closed", message: (body && body.detail) || s("handoffClosed") };
  }
  return { kind: "retry" };
}

// Sends the form; `deps` holds fetch, setTimeout and clearTimeout; `onState` hears every step:
// sending, sent, invalid, limited, closed, retrying ({seconds}) and failed (tries spent).
export function createLeadSender(deps, url, onState) {
  var attempt = 0;
  var timer = null;
  var busy = false;
  var lastBody = null;

  function fail() {
    if (attempt < RETRY_DELAYS.length) {
      var seconds = RETRY_DELAYS[attempt];
      attempt += 1;
      onState({ kind: "retrying", seconds: seconds });
      timer = deps.setTimeout(function () {
        timer = null;
        post();
      }, seconds * 1000);
    } else {
      attempt = 0;
      onState({ kind: "failed" });
    }
  }

  function post() {
    busy = true;
    onState({ kind: "sending" });
    deps
      .fetch(url, {
        method: "POST",
        mode: "cors",
        credentials: "omit",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(lastBody),
      })
      .then(
        function (response) {
          return response.json().then(
            function (body) {
              return { status: response.status, body: body };
            },
            function () {
              return { status: response.status, body: null };
            }
          );
        },
        function () {
          return { status: 0, body: null };
        }
      )
      .then(function (answer) {
        busy = false;
        var result = outcome(answer.status, answer.body, deps.s);
        if (result.kind === "retry") fail();
        else {
          attempt = 0;
          onState(result);
        }
      });
  }

  return {
    // Send these values (a new press of the button starts the tries afresh).
    send: function (body) {
      if (busy) return false;
      if (timer !== null) deps.clearTimeout(timer);
      timer = null;
      attempt = 0;
      lastBody = body;
      post();
      return true;
    },
    stop: function () {
      if (timer !== null) deps.clearTimeout(timer);
      timer = null;
    },
  };
}

var AUTOCOMPLETE = { name: "name", email: "email", message: "off" };

// The form in the chat log. `ctx`: s, uid, offer (the event), values (kept from an earlier
// rendering), onSubmit(values), onDismiss(). Returns the node and what the sender's states need.
export function buildHandoffForm(ctx) {
  var s = ctx.s;
  var offer = ctx.offer;
  var values = ctx.values || {};
  var id = ctx.uid + "-handoff";
  var node = attrs(el("form", "handoff msg bot"), { novalidate: "", "aria-labelledby": id + "-title" });
  var intro = offer.reason === "request" ? s("handoffRequest") : s("handoffTitle");
  node.appendChild(attrs(el("p", "htitle", intro), { id: id + "-title" }));
  var inputs = {};
  var errorNodes = {};

  function errorNode(name) {
    var p = attrs(el("p", "herr"), { id: id + "-" + name + "-error" });
    p.hidden = true;
    errorNodes[name] = p;
    return p;
  }

  (offer.form.fields || []).forEach(function (field) {
    var wrap = el("div", "hfield");
    var label = attrs(el("label", null, field.label), { for: id + "-" + field.name });
    if (!field.required) label.appendChild(el("span", "hopt", " (" + s("optional") + ")"));
    var input =
      field.name === "message"
        ? attrs(el("textarea"), { rows: "3" })
        : attrs(el("input"), { type: field.name === "email" ? "email" : "text" });
    attrs(input, {
      id: id + "-" + field.name,
      name: field.name,
      autocomplete: AUTOCOMPLETE[field.name] || "off",
      "aria-describedby": id + "-" + field.name + "-error",
    });
    if (field.required) input.setAttribute("aria-required", "true");
    if (field.max_length) input.setAttribute("maxlength", String(field.max_length));
    if (values[field.name]) input.value = values[field.name];
    inputs[field.name] = input;
    wrap.appendChild(label);
    wrap.appendChild(input);
    wrap.appendChild(errorNode(field.name));
    node.appendChild(wrap);
  });

  var consent = null;
  if (offer.form.consent_text) {
    var consentWrap = el("div", "hfield hconsent");
    consent = attrs(el("input"), {
      type: "checkbox",
      id: id + "-consent",
      name: "consent",
      "aria-describedby": id + "-consent-error",
    });
    consent.checked = values.consent === true;
    inputs.consent = consent;
    var consentLabel = attrs(el("label"), { for: id + "-consent" });
    consentLabel.appendChild(consent);
    consentLabel.appendChild(document.createTextNode(" " + offer.form.consent_text));
    consentWrap.appendChild(consentLabel);
    consentWrap.appendChild(errorNode("consent"));
    node.appendChild(consentWrap);
  }

  var statusLine = attrs(el("p", "hstatus"), { role: "status" });
  statusLine.hidden = true;
  node.appendChild(statusLine);
  var actions = el("div", "hactions");
  var submit = attrs(el("button", "hsend", s("handoffSend")), { type: "submit" });
  var later = attrs(el("button", "hlater", s("handoffLater")), { type: "button" });
  actions.appendChild(submit);
  actions.appendChild(later);
  node.appendChild(actions);

  function read() {
    var out = {};
    for (var name in inputs) {
      out[name] = name === "consent" ? inputs[name].checked : inputs[name].value;
    }
    return out;
  }

  function showErrors(errors) {
    var first = null;
    for (var name in errorNodes) {
      var message = errors[name];
      errorNodes[name].textContent = message || "";
      errorNodes[name].hidden = !message;
      if (inputs[name]) inputs[name].setAttribute("aria-invalid", message ? "true" : "false");
      if (message && !first) first = inputs[name];
    }
    var other = [];
    for (var key in errors) if (!(key in errorNodes)) other.push(errors[key]);
    setStatus(other.length ? other.join(" ") : first ? s("handoffErrors") : "", "bad");
    if (first) first.focus();
  }

  function setStatus(text, kind) {
    statusLine.textContent = text;
    statusLine.className = "hstatus" + (kind ? " " + kind : "");
    statusLine.hidden = !text;
  }

  function setBusy(isBusy) {
    submit.disabled = isBusy;
    submit.textContent = isBusy ? s("handoffSending") : s("handoffSend");
    node.setAttribute("aria-busy", isBusy ? "true" : "false");
  }

  node.addEventListener("submit", function (e) {
    e.preventDefault();
    ctx.onSubmit(read());
  });
  later.addEventListener("click", function () {
    ctx.onDismiss(read());
  });

  return {
    node: node,
    read: read,
    showErrors: showErrors,
    setStatus: setStatus,
    setBusy: setBusy,
    focus: function () {
      var first = node.querySelector("input,textarea");
      if (first) first.focus();
    },
  };
}

// The whole handoff in the widget: shows the offered form, sends it, says how it went. `env`:
// s, uid, url, fetch/setTimeout/clearTimeout, log, announce(text), scrollDown(), token(),
// conversation(), sentFor(conversationId) and markSent(conversationId) (kept in the browser).
export function createHandoff(env) {
  var active = null; // {offer, view, values}
  var sender = createLeadSender(
    { fetch: env.fetch, setTimeout: env.setTimeout, clearTimeout: env.clearTimeout, s: env.s },
    env.url,
    onState
  );

  function onState(state) {
    if (!active) return;
    var view = active.view;
    var s = env.s;
    view.setBusy(state.kind === "sending");
    if (state.kind === "sent") {
      env.markSent(active.offer.conversation_id);
      var done = attrs(el("div", "msg bot hdone", s("handoffSent")), { tabindex: "-1" });
      active.view.node.replaceWith(done);
      active = null;
      env.announce(s("handoffSent"));
      done.focus();
      env.scrollDown();
    } else if (state.kind === "invalid") {
      view.showErrors(state.errors);
      env.announce(s("handoffErrors"));
    } else if (state.kind === "limited" || state.kind === "closed") {
      view.showErrors({});
      view.setStatus(state.message, "bad");
      env.announce(state.message);
    } else if (state.kind === "retrying") {
      view.setStatus(s("handoffRetrying", { s: state.seconds }), "bad");
      if (state.seconds === 2) env.announce(s("handoffRetrying", { s: state.seconds }));
    } else if (state.kind === "failed") {
      view.setStatus(s("handoffFailed"), "bad");
      env.announce(s("handoffFailed"));
    }
  }

  function submit(values) {
    active.values = values;
    var errors = validateLead(active.offer.form, values, env.s);
    if (Object.keys(errors).length) {
      active.view.showErrors(errors);
      env.announce(env.s("handoffErrors"));
      return;
    }
    active.view.showErrors({});
    var body = {
      visitor_token: env.token(),
      conversation_id: active.offer.conversation_id || null,
      reason: active.offer.reason || "",
    };
    for (var name in values) body[name] = values[name];
    sender.send(body);
  }

  function render() {
    active.view = buildHandoffForm({
      s: env.s,
      uid: env.uid,
      offer: active.offer,
      values: active.values,
      onSubmit: submit,
      onDismiss: function () {
        sender.stop();
        active.view.node.remove();
        active = null;
      },
    });
    env.log.appendChild(active.view.node);
    env.scrollDown();
  }

  return {
    // A `handoff` event: show the form, unless it is showing or was sent in this conversation.
    offer: function (event) {
      if (!event || !event.form || !Array.isArray(event.form.fields)) return;
      if (active || env.sentFor(event.conversation_id)) return;
      active = { offer: event, values: {} };
      render();
      env.announce(event.reason === "request" ? env.s("handoffRequest") : env.s("handoffTitle"));
      active.view.focus();
    },
    // The transcript was drawn again: put the open form (as filled) back under it.
    reattach: function () {
      if (!active) return;
      active.values = active.view.read();
      render();
    },
    // A new conversation: the form belonged to the old one.
    reset: function () {
      sender.stop();
      if (active) active.view.node.remove();
      active = null;
    },
  };
}
