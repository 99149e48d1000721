/* Where the widget's server is and how it is reached: addresses, reconnection pauses, frames. */

// The server is wherever this script came from (a path prefix before /static/ is kept).
export function serverBase(scriptSrc, pageHref) {
  var src = new URL(scriptSrc, pageHref);
  var at = src.pathname.indexOf("/static/chatsphere/");
  return src.origin + (at > 0 ? src.pathname.slice(0, at) : "");
}

export function configUrl(base, botKey) {
  return base + "/api/v1/widget/" + encodeURIComponent(botKey) + "/config/";
}

// The WebSocket address: the bot's socket path (as its settings give it) on the server's host,
// with the visitor token and the page the visitor is on (at most 2000 characters of it).
export function socketUrl(base, botKey, socketPath, visitorToken, pageHref) {
  var path = socketPath || "/ws/widget/" + encodeURIComponent(botKey) + "/";
  var server = new URL(base + "/", pageHref);
  var url = (server.protocol === "https:" ? "wss://" : "ws://") + server.host + path;
  var query = [];
  if (visitorToken) query.push("visitor_token=" + encodeURIComponent(visitorToken));
  query.push("page=" + encodeURIComponent(String(pageHref).slice(0, 2000)));
  return url + "?" + query.join("&");
}

// The pause before reconnection attempt number `attempt` (1, 2, …): 1 s, 2 s, 4 s … up to 30 s,
// each ±20 % so that visitors cut off together do not all come back at once. `random` is
// Math.random. `seconds` is the whole number shown in the countdown (at least 1).
export function reconnectDelay(attempt, random) {
  var delay = Math.min(30, Math.pow(2, attempt - 1)) * (0.8 + random() * 0.4);
  return { delay: delay, seconds: Math.max(1, Math.round(delay)) };
}

// A server event from a socket frame, or null for anything that is not a JSON object.
export function parseEvent(data) {
  var event;
  try {
    event = JSON.parse(data);
  } catch (e) {
    return null;
  }
  return event && typeof event === "object" && !Array.isArray(event) ? event : null;
}
