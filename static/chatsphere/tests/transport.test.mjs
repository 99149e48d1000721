import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { configUrl, parseEvent, reconnectDelay, serverBase, socketUrl } from "../src/transport.js";

describe("reconnection pauses", () => {
  test("double from 1 s up to 30 s", () => {
    const middle = () => 0.5; // no jitter
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 12].map((attempt) => reconnectDelay(attempt, middle).delay),
      [1, 2, 4, 8, 16, 30, 30, 30],
    );
  });

  test("vary by at most 20 % either way, and the countdown shows whole seconds, at least 1", () => {
    assert.deepEqual(reconnectDelay(4, () => 0), { delay: 8 * 0.8, seconds: 6 });
    const longest = reconnectDelay(4, () => 0.999999);
    assert.ok(longest.delay < 8 * 1.2 && longest.delay > 9.59, String(longest.delay));
    assert.equal(longest.seconds, 10);
    assert.deepEqual(reconnectDelay(1, () => 0), { delay: 0.8, seconds: 1 });
    assert.equal(reconnectDelay(9, () => 0.999999).seconds, 36);
  });
});

describe("addresses", () => {
  test("the server is where the script came from, path prefix kept", () => {
    assert.equal(serverBase("https://chat.example.com/static/chatsphere/widget.js", "https://shop.example.net/"), "https://chat.example.com");
    assert.equal(serverBase("https://example.com/support/static/chatsphere/widget.js?v=2", "https://example.com/"), "https://example.com/support");
    assert.equal(serverBase("/static/chatsphere/widget.js", "http://127.0.0.1:8000/chat/pk_1/"), "http://127.0.0.1:8000");
  });

  test("the settings address escapes the key", () => {
    assert.equal(configUrl("https://chat.example.com", "pk_a/b"), "https://chat.example.com/api/v1/widget/pk_a%2Fb/config/");
  });

  test("the socket is wss:// on HTTPS and carries the visitor token and page", () => {
    assert.equal(
      socketUrl("https://chat.example.com/support", "pk_1", null, "tok+en/=", "https://shop.example.net/p?a=1&b=2"),
      "wss://chat.example.com/ws/widget/pk_1/?visitor_token=tok%2Ben%2F%3D&page=https%3A%2F%2Fshop.example.net%2Fp%3Fa%3D1%26b%3D2",
    );
    assert.equal(
      socketUrl("http://127.0.0.1:8000", "pk_1", "/ws/widget/pk_1/", null, "http://127.0.0.1:8000/chat/pk_1/"),
      "ws://127.0.0.1:8000/ws/widget/pk_1/?page=http%3A%2F%2F127.0.0.1%3A8000%2Fchat%2Fpk_1%2F",
    );
  });

  test("a very long page address is cut to 2000 characters", () => {
    const page = "https://shop.example.net/" + "a".repeat(5000);
    const url = new URL(socketUrl("https://chat.example.com", "pk_1", null, null, page));
    assert.equal(url.searchParams.get("page"), page.slice(0, 2000));
  });
});

test("socket frames: JSON objects are events, anything else is ignored", () => {
  assert.deepEqual(parseEvent('{"type": "token", "text": "Hi"}'), { type: "token", text: "Hi" });
  for (const frame of ["not json", "null", "42", '"token"', "[1, 2]", ""]) assert.equal(parseEvent(frame), null, frame);
});
