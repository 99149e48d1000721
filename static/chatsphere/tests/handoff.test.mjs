import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { createLeadSender, leadUrl, outcome, RETRY_DELAYS, validateLead } from "../src/handoff.js";
import { translator } from "../src/i18n.js";

const s = translator("en");
const FORM = {
  fields: [
    { name: "name", label: "Your name", required: false, max_length: 200 },
    { name: "email", label: "Your e-mail address", required: true, max_length: 254 },
    { name: "message", label: "How can we help?", required: false, max_length: 2000 },
  ],
  consent_text: "I agree to be contacted by e-mail about my request.",
};

describe("checking the form before it is sent", () => {
  test("a filled form with consent passes", () => {
    const values = { name: "Ada Lovelace", email: "ada@example.com", message: "Call me back", consent: true };
    assert.deepEqual(validateLead(FORM, values, s), {});
  });

  test("a mistyped address, a missing required field and a missing consent are each named", () => {
    assert.deepEqual(validateLead(FORM, { email: "ada@example", consent: false }, s), {
      email: "Enter a valid e-mail address, like name@example.com.",
      consent: "Tick the box to agree before sending.",
    });
    assert.deepEqual(validateLead(FORM, { email: "   ", consent: true }, s), {
      email: "Your e-mail address: this field is required.",
    });
  });

  test("an oversize message is refused with its limit", () => {
    const errors = validateLead(FORM, { email: "ada@example.com", message: "x".repeat(2001), consent: true }, s);
    assert.deepEqual(errors, { message: "How can we help?: at most 2000 characters." });
  });

  test("without consent text no box has to be ticked", () => {
    assert.deepEqual(validateLead({ fields: FORM.fields, consent_text: "" }, { email: "a@b.co" }, s), {});
  });
});

describe("the server's answers", () => {
  test("field errors come back per field, rate limits with their wait", () => {
    assert.deepEqual(outcome(400, { detail: "x", code: "invalid", errors: { email: ["Enter a valid e-mail address."] } }, s), {
      kind: "invalid",
      errors: { email: "Enter a valid e-mail address." },
    });
    const limited = outcome(429, { detail: "Too many", code: "rate_limited", retry_after: 120 }, s);
    assert.equal(limited.kind, "limited");
    assert.match(limited.message, /wait 120 seconds/);
    assert.equal(outcome(201, { id: "l1" }, s).kind, "sent");
    assert.equal(outcome(404, { detail: "This assistant does not take contact requests." }, s).kind, "closed");
    assert.equal(outcome(502, null, s).kind, "retry");
    assert.equal(outcome(0, null, s).kind, "retry");
  });

  test("the address is the bot's leads endpoint on the widget's server", () => {
    assert.equal(leadUrl("https://chat.example.com", "pk_a/b"), "https://chat.example.com/api/v1/widget/pk_a%2Fb/leads/");
  });
});

function fakeClock() {
  const timers = [];
  return {
    timers,
    setTimeout: (fn, ms) => timers.push({ fn, ms }) - 1,
    clearTimeout: (id) => {
      if (timers[id]) timers[id].fn = null;
    },
    runNext() {
      const timer = timers.find((t) => t.fn);
      const fn = timer.fn;
      timer.fn = null;
      fn();
      return timer.ms;
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("sending", () => {
  test("a dropped connection and a server error are retried with the same values until it is sent", async () => {
    const clock = fakeClock();
    const bodies = [];
    const answers = [
      () => Promise.reject(new TypeError("Failed to fetch")),
      () => Promise.resolve({ status: 500, json: () => Promise.resolve({ detail: "Server error", code: "server_error" }) }),
      () => Promise.resolve({ status: 201, json: () => Promise.resolve({ id: "lead-1" }) }),
    ];
    const states = [];
    const sender = createLeadSender(
      {
        fetch: (url, options) => {
          bodies.push(JSON.parse(options.body));
          return answers.shift()();
        },
        setTimeout: clock.setTimeout,
        clearTimeout: clock.clearTimeout,
        s,
      },
      "https://chat.example.com/api/v1/widget/pk/leads/",
      (state) => states.push(state.kind + (state.seconds ? ":" + state.seconds : ""))
    );

    sender.send({ visitor_token: "t", email: "ada@example.com" });
    await settle();
    assert.equal(clock.runNext(), RETRY_DELAYS[0] * 1000);
    await settle();
    assert.equal(clock.runNext(), RETRY_DELAYS[1] * 1000);
    await settle();

    assert.deepEqual(states, ["sending", "retrying:2", "sending", "retrying:5", "sending", "sent"]);
    assert.equal(bodies.length, 3);
    assert.ok(bodies.every((body) => body.email === "ada@example.com"));
  });

  test("after the automatic tries it stops and says so; the next press starts again", async () => {
    const clock = fakeClock();
    const states = [];
    let calls = 0;
    const sender = createLeadSender(
      {
        fetch: () => {
          calls += 1;
          return Promise.reject(new TypeError("offline"));
        },
        setTimeout: clock.setTimeout,
        clearTimeout: clock.clearTimeout,
        s,
      },
      "/leads/",
      (state) => states.push(state.kind)
    );
    sender.send({ email: "ada@example.com" });
    for (let i = 0; i < RETRY_DELAYS.length; i++) {
      await settle();
      clock.runNext();
    }
    await settle();
    assert.equal(states.at(-1), "failed");
    assert.equal(calls, RETRY_DELAYS.length + 1);
    assert.equal(sender.send({ email: "ada@example.com" }), true);
  });

  test("a rate limit is not retried automatically", async () => {
    const clock = fakeClock();
    const states = [];
    const sender = createLeadSender(
      {
        fetch: () => Promise.resolve({ status: 429, json: () => Promise.resolve({ retry_after: 300, code: "rate_limited" }) }),
        setTimeout: clock.setTimeout,
        clearTimeout: clock.clearTimeout,
        s,
      },
      "/leads/",
      (state) => states.push(state.kind)
    );
    sender.send({ email: "ada@example.com" });
    await settle();
    assert.deepEqual(states, ["sending", "limited"]);
    assert.equal(clock.timers.length, 0);
  });
});
