import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { identifyFrame, identityFromScript, identityPlan, installApi, normalizeIdentity } from "../src/identity.js";

const HASH = "a".repeat(64);

function scriptTag(attributes) {
  return { getAttribute: (name) => (name in attributes ? attributes[name] : null) };
}

describe("the page's identity", () => {
  test("is read from the script tag's data attributes", () => {
    const script = scriptTag({
      "data-bot": "pk_1",
      "data-user-id": "user-4711",
      "data-user-hash": HASH,
      "data-user-email": "ada@example.com",
      "data-user-name": "Ada Lovelace",
    });
    assert.deepEqual(identityFromScript(script), {
      user_id: "user-4711",
      user_hash: HASH,
      email: "ada@example.com",
      name: "Ada Lovelace",
    });
  });

  test("needs both a user id and a signature, else the visitor is anonymous", () => {
    assert.equal(identityFromScript(scriptTag({ "data-bot": "pk_1" })), null);
    assert.equal(identityFromScript(scriptTag({ "data-user-id": "user-4711" })), null);
    assert.equal(normalizeIdentity({ user_hash: HASH }), null);
    assert.equal(normalizeIdentity("user-4711"), null);
    assert.equal(normalizeIdentity(null), null);
  });

  test("keeps the signed values exactly, numbers as the text a server signs", () => {
    assert.deepEqual(normalizeIdentity({ userId: 42, userHash: ` ${HASH}\n`, name: " Ada " }), {
      user_id: "42",
      user_hash: HASH,
      email: "",
      name: " Ada ",
    });
  });

  test("goes to the server in an identify frame; none says the visitor is anonymous", () => {
    const identity = normalizeIdentity({ user_id: "u1", user_hash: HASH, email: "a@example.com" });
    assert.deepEqual(identifyFrame(identity), {
      type: "identify",
      user_id: "u1",
      user_hash: HASH,
      email: "a@example.com",
      name: "",
    });
    assert.deepEqual(identifyFrame(null), { type: "identify" });
  });
});

describe("what the widget keeps after the server says who the visitor is", () => {
  const conversations = [{ id: "c-new", title: "Refunds" }, { id: "c-old", title: "Shipping" }];

  test("a verified visitor in a new browser resumes their newest conversation", () => {
    const plan = identityPlan({}, { type: "identity", verified: true, user_id: "u1", conversations });
    assert.deepEqual(plan, { owner: "u1", reset: true, conversation: "c-new", resumed: true });
  });

  test("the same verified visitor keeps the conversation open in this browser", () => {
    const plan = identityPlan(
      { owner: "u1", conversation: "c-old" },
      { type: "identity", verified: true, user_id: "u1", conversations }
    );
    assert.deepEqual(plan, { owner: "u1", reset: false, conversation: "c-old", resumed: false });
  });

  test("signing out or a wrong signature forgets the verified visitor's conversation", () => {
    const plan = identityPlan({ owner: "u1", conversation: "c-new" }, { type: "identity", verified: false });
    assert.deepEqual(plan, { owner: "", reset: true, conversation: null, resumed: false });
  });

  test("another verified user on the same browser does not see the previous one's conversation", () => {
    const plan = identityPlan(
      { owner: "u1", conversation: "c-new" },
      { type: "identity", verified: true, user_id: "u2", conversations: [] }
    );
    assert.deepEqual(plan, { owner: "u2", reset: true, conversation: null, resumed: false });
  });

  test("an anonymous visitor keeps this browser's conversation", () => {
    const plan = identityPlan({ conversation: "c-anon" }, { type: "identity", verified: false, conversations: [] });
    assert.deepEqual(plan, { owner: "", reset: false, conversation: "c-anon", resumed: false });
  });
});

describe("window.ChatSphere", () => {
  test("hands an identity set before the script loaded to the widget", () => {
    const win = { ChatSphere: { identity: { user_id: "u1", user_hash: HASH } } };
    const preset = installApi(win, () => {});
    assert.deepEqual(preset, { user_id: "u1", user_hash: HASH, email: "", name: "" });
  });

  test("identify() reaches every widget on the page, and null signs out", () => {
    const win = {};
    const seen = [[], []];
    assert.equal(installApi(win, (identity) => seen[0].push(identity)), null);
    installApi(win, (identity) => seen[1].push(identity));
    win.ChatSphere.identify({ user_id: "u1", user_hash: HASH, name: "Ada" });
    win.ChatSphere.identify(null);
    const expected = [{ user_id: "u1", user_hash: HASH, email: "", name: "Ada" }, null];
    assert.deepEqual(seen, [expected, expected]);
    assert.deepEqual(Object.keys(win.ChatSphere).sort(), ["identify", "identity"]);
  });
});
