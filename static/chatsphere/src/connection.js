/* The widget's WebSocket: connects, reconnects after growing pauses (with a countdown the visitor
 * can cut short), keeps the connection alive with pings, and tells the widget what happens. */
import { parseEvent, reconnectDelay } from "./transport.js";

export var PING_INTERVAL = 25000;

// `env` is what the browser provides (WebSocket, setTimeout, clearTimeout, setInterval,
// clearInterval, random, online()); `on` holds the widget's side:
// - url(): the address to connect to; canConnect(): whether connecting makes sense now;
// - session(event, reconnected): the server accepted the connection (again, after a drop);
// - event(event): any other server event; closed(code): the connection dropped;
// - countdown(seconds, reconnectNow): a reconnection is due in `seconds`; offline(): the browser
//   is offline (`onlineAgain` reconnects); change(): the connection's state changed.
export function openConnection(env, on) {
  var socket = null;
  var connected = false;
  var everConnected = false;
  var attempts = 0;
  var retryTimer = null;
  var countdownTimer = null;
  var pingTimer = null;

  function send(frame) {
    if (socket && connected) socket.send(JSON.stringify(frame));
  }
  function connect() {
    if (socket || !on.canConnect()) return;
    env.clearTimeout(retryTimer);
    env.clearInterval(countdownTimer);
    var ws;
    try {
      ws = new env.WebSocket(on.url());
    } catch (e) {
      scheduleReconnect();
      return;
    }
    socket = ws;
    on.change();
    ws.onmessage = function (message) {
      var event = parseEvent(message.data);
      if (!event) return;
      if (event.type === "session") started(event);
      else on.event(event);
    };
    ws.onclose = function (closed) {
      if (socket !== ws) return; // closed by `stop`
      socket = null;
      connected = false;
      env.clearInterval(pingTimer);
      on.change();
      on.closed(closed.code);
      scheduleReconnect();
    };
  }
  function started(event) {
    connected = true;
    env.clearInterval(countdownTimer);
    var reconnected = attempts > 0 && everConnected;
    attempts = 0;
    everConnected = true;
    env.clearInterval(pingTimer);
    pingTimer = env.setInterval(function () {
      send({ type: "ping" });
    }, PING_INTERVAL);
    on.session(event, reconnected);
  }
  function reconnectNow() {
    attempts = Math.max(0, attempts - 1);
    connect();
  }
  function scheduleReconnect() {
    if (!on.canConnect()) return;
    attempts++;
    var pause = reconnectDelay(attempts, env.random);
    var seconds = pause.seconds;
    if (!env.online()) {
      on.offline();
      return; // `onlineAgain` reconnects
    }
    var tick = function () {
      on.countdown(seconds, reconnectNow);
      seconds--;
    };
    tick();
    env.clearInterval(countdownTimer);
    countdownTimer = env.setInterval(function () {
      if (seconds <= 0) env.clearInterval(countdownTimer);
      else tick();
    }, 1000);
    env.clearTimeout(retryTimer);
    retryTimer = env.setTimeout(connect, pause.delay * 1000);
  }
  return {
    connect: connect,
    send: send,
    // The browser is back online: reconnect at once (if a connection was ever made).
    onlineAgain: function () {
      if (!socket && on.canConnect() && everConnected) {
        attempts = 0;
        connect();
      }
    },
    // Close for good (the chat became unavailable): no reconnection.
    stop: function () {
      if (socket) {
        var ws = socket;
        socket = null;
        ws.close();
      }
      env.clearTimeout(retryTimer);
      env.clearInterval(countdownTimer);
    },
    isConnected: function () {
      return connected;
    },
    // "online", "connecting" or "offline".
    state: function () {
      return connected ? "online" : socket ? "connecting" : "offline";
    },
  };
}
