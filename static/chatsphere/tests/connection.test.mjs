import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";

import { openConnection, PING_INTERVAL } from "../src/connection.js";

// A clock that runs timers only when told to, and sockets that record what is sent.
function harness({ online = true, random = 0.5 } = {}) {
  let now = 0;
  let nextId = 1;
  const timers = new Map();
  const sockets = [];
  const seen = [];
  const env = {
    online: () => env.isOnline,
    isOnline: online,
    random: () => random,
    setTimeout: (fn, ms) => add(fn, ms, false),
    setInterval: (fn, ms) => add(fn, ms, true),
    clearTimeout: (id) => timers.delete(id),
    clearInterval: (id) => timers.delete(id),
    WebSocket: class {
      constructor(url) {
        if (env.refuse) throw new SyntaxError("bad address");
        this.url = url;
        this.sent = [];
        this.closedByUs = false;
        sockets.push(this);
      }
      send(data) {
        this.sent.push(JSON.parse(data));
      }
      close() {
        this.closedByUs = true;
      }
      // What the server does:
      receive(data) {
        this.onmessage({ data: typeof data === "string" ? data : JSON.stringify(data) });
      }
      drop(code = 1006) {
        this.onclose({ code });
      }
    },
  };
  function add(fn, ms, repeat) {
    const id = nextId++;
    timers.set(id, { fn, at: now + ms, every: repeat ? ms : null });
    return id;
  }
  function advance(ms) {
    const end = now + ms;
    for (;;) {
      const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      const [id, timer] = due;
      now = timer.at;
      if (timer.every) timer.at += timer.every;
      else timers.delete(id);
      timer.fn();
    }
    now = end;
  }
  const flags = { canConnect: true };
  const connection = openConnection(env, {
    url: () => `wss://chat.example.com/ws/widget/pk_1/?n=${sockets.length + 1}`,
    canConnect: () => flags.canConnect,
    session: (event, reconnected) => seen.push(["session", reconnected]),
    event: (event) => seen.push(["event", event.type]),
    closed: (code) => seen.push(["closed", code]),
    countdown: (seconds, reconnectNow) => seen.push(["countdown", seconds, reconnectNow]),
    offline: () => seen.push(["offline"]),
    change: () => seen.push(["change", connection.state()]),
  });
  const last = () => sockets.at(-1);
  const countdowns = () => seen.filter((e) => e[0] === "countdown").map((e) => e[1]);
  return { env, sockets, seen, connection, advance, flags, last, countdowns, now: () => now };
}

describe("connecting", () => {
  test("the session makes it online; other events go to the widget", () => {
    const h = harness();
    h.connection.connect();
    assert.equal(h.connection.state(), "connecting");
    assert.equal(h.last().url, "wss://chat.example.com/ws/widget/pk_1/?n=1");
    h.connection.send({ type: "message", text: "lost" }); // not yet accepted: nothing goes out
    h.last().receive({ type: "session", visitor_token: "t" });
    h.last().receive({ type: "token", text: "Hi" });
    h.last().receive("not json");
    h.connection.send({ type: "message", text: "Hello" });

    assert.equal(h.connection.state(), "online");
    assert.equal(h.connection.isConnected(), true);
    assert.deepEqual(h.last().sent, [{ type: "message", text: "Hello" }]);
    assert.deepEqual(h.seen, [["change", "connecting"], ["session", false], ["event", "token"]]);
  });

  test("only one socket at a time, and none while the chat cannot connect", () => {
    const h = harness();
    h.flags.canConnect = false;
    h.connection.connect();
    assert.equal(h.sockets.length, 0);
    h.flags.canConnect = true;
    h.connection.connect();
    h.connection.connect();
    assert.equal(h.sockets.length, 1);
  });

  test(`a ping every ${PING_INTERVAL / 1000} s keeps the connection open`, () => {
    const h = harness();
    h.connection.connect();
    h.last().receive({ type: "session" });
    h.advance(PING_INTERVAL * 3 + 10);
    assert.deepEqual(h.last().sent, [{ type: "ping" }, { type: "ping" }, { type: "ping" }]);
  });
});

describe("reconnecting", () => {
  let h;
  beforeEach(() => {
    h = harness();
    h.connection.connect();
    h.last().receive({ type: "session" });
  });

  test("after a drop, waits 1 s, 2 s, 4 s … with a countdown, then says it is back", () => {
    h.last().drop();
    assert.equal(h.connection.state(), "offline");
    assert.deepEqual(h.seen.slice(2), [["change", "offline"], ["closed", 1006], ["countdown", 1, h.seen[4][2]]]);
    assert.equal(typeof h.seen[4][2], "function");
    h.advance(999);
    assert.equal(h.sockets.length, 1);
    h.advance(1);
    assert.equal(h.sockets.length, 2);

    h.last().drop(); // refused again: 2 s
    h.advance(1999);
    assert.equal(h.sockets.length, 2);
    h.advance(1);
    h.last().drop(); // and again: 4 s
    h.advance(4000);
    assert.equal(h.sockets.length, 4);
    assert.deepEqual(h.countdowns(), [1, 2, 1, 4, 3, 2, 1]);

    h.last().receive({ type: "session" });
    assert.deepEqual(h.seen.at(-1), ["session", true]);
    h.last().drop(); // the pauses start again from 1 s
    h.advance(1000);
    assert.equal(h.sockets.length, 5);
  });

  test("no ping goes out while disconnected", () => {
    const first = h.last();
    first.drop();
    h.advance(PING_INTERVAL * 2);
    assert.deepEqual(first.sent, []);
  });

  test("'Reconnect now' connects at once", () => {
    h.last().drop();
    const [, , reconnectNow] = h.seen.find((e) => e[0] === "countdown");
    reconnectNow();
    assert.equal(h.sockets.length, 2);
    h.last().receive({ type: "session" });
    h.advance(60000);
    assert.equal(h.sockets.length, 2); // the pending retry was cancelled
  });

  test("offline: no countdown; back online reconnects at once", () => {
    h.env.isOnline = false;
    h.last().drop();
    assert.deepEqual(h.seen.at(-1), ["offline"]);
    h.advance(60000);
    assert.equal(h.sockets.length, 1);
    h.env.isOnline = true;
    h.connection.onlineAgain();
    assert.equal(h.sockets.length, 2);
  });

  test("stop closes for good", () => {
    const socket = h.last();
    h.flags.canConnect = false; // the chat became unavailable
    h.connection.stop();
    assert.equal(socket.closedByUs, true);
    socket.drop(); // the close event of our own close() changes nothing
    h.connection.onlineAgain();
    h.advance(60000);
    assert.equal(h.sockets.length, 1);
    assert.equal(h.seen.filter((e) => e[0] === "closed").length, 0);
  });
});

test("coming back online before any connection was made does not connect", () => {
  const h = harness();
  h.connection.onlineAgain();
  assert.equal(h.sockets.length, 0);
});

test("a socket that cannot even be created is retried like a drop", () => {
  const h = harness();
  h.env.refuse = true;
  h.connection.connect();
  assert.deepEqual(h.countdowns(), [1]);
  h.env.refuse = false;
  h.advance(1000);
  assert.equal(h.sockets.length, 1);
});
