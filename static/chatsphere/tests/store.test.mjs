import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { historyRecords, MAX_STORED, openStore, storageKey } from "../src/store.js";

function memoryStorage() {
  const items = new Map();
  return {
    items,
    getItem: (key) => (items.has(key) ? items.get(key) : null),
    setItem: (key, value) => items.set(key, String(value)),
  };
}

describe("the browser copy", () => {
  test("survives a reload, per bot", () => {
    const storage = memoryStorage();
    const first = openStore("pk_one", () => storage);
    first.state.token = "visitor-token";
    first.state.conversation = "c1";
    first.state.messages.push({ role: "user", text: "Hello" });
    first.save();

    const reloaded = openStore("pk_one", () => storage);
    assert.equal(reloaded.state.token, "visitor-token");
    assert.deepEqual(reloaded.state.messages, [{ role: "user", text: "Hello" }]);
    assert.deepEqual(openStore("pk_two", () => storage).state, { messages: [] });
    assert.deepEqual([...storage.items.keys()], [storageKey("pk_one")]);
    assert.equal(storageKey("pk_one"), "chatsphere:v1:pk_one");
  });

  test(`keeps the newest ${MAX_STORED} messages`, () => {
    const storage = memoryStorage();
    const store = openStore("pk_one", () => storage);
    for (let i = 1; i <= MAX_STORED + 15; i++) store.state.messages.push({ role: "user", text: `q${i}` });
    store.save();
    const kept = openStore("pk_one", () => storage).state.messages;
    assert.equal(kept.length, MAX_STORED);
    assert.equal(kept[0].text, "q16");
    assert.equal(kept.at(-1).text, `q${MAX_STORED + 15}`);
  });

  test("a damaged copy starts afresh", () => {
    const storage = memoryStorage();
    storage.setItem(storageKey("pk_one"), "{not json");
    assert.deepEqual(openStore("pk_one", () => storage).state, { messages: [] });
    storage.setItem(storageKey("pk_one"), '{"messages": "oops", "conversation": "c1"}');
    assert.deepEqual(openStore("pk_one", () => storage).state, { messages: [], conversation: "c1" });
  });

  test("blocked or full storage keeps the session for the page view", () => {
    const blocked = () => {
      throw new Error("SecurityError: access is denied");
    };
    const store = openStore("pk_one", blocked);
    store.state.conversation = "c1";
    assert.doesNotThrow(() => store.save());
    assert.equal(store.state.conversation, "c1");

    const full = { getItem: () => null, setItem: () => { throw new Error("QuotaExceededError"); } };
    const other = openStore("pk_one", () => full);
    other.state.messages.push({ role: "user", text: "Hi" });
    assert.doesNotThrow(() => other.save());
    assert.equal(other.state.messages.length, 1);
  });
});

test("the server's history becomes the transcript", () => {
  const records = historyRecords([
    { role: "user", content: "Do you ship abroad?", id: "m1" },
    { role: "assistant", content: "Yes [1].", id: "m2", citations: [{ title: "Shipping" }], feedback: 1 },
    { role: "assistant", content: null, id: null, citations: "bad", feedback: 5 },
  ]);
  assert.deepEqual(records, [
    { role: "user", text: "Do you ship abroad?" },
    { role: "assistant", text: "Yes [1].", citations: [{ title: "Shipping" }], id: "m2", rating: 1 },
    { role: "assistant", text: "", citations: [], id: null, rating: null },
  ]);
});
