/* Verified visitor identity (docs/identity.md): the page passes its signed-in user's id, the
 * signature its server made of it with the bot's identity secret, and optionally the e-mail and
 * name it signed too; the widget hands them to the server in an `identify` frame. The server alone
 * decides: a verified visitor's conversations follow them to every browser, anything else stays
 * anonymous. The page gives the identity with data-user-id, data-user-hash, data-user-email and
 * data-user-name on the script tag, with `window.ChatSphere = { identity: {…} }` before the script
 * loads, or with `ChatSphere.identify({…})` at any time (`ChatSphere.identify(null)` signs out). */

function text(value) {
  return value == null ? "" : String(value);
}

// The identity as the page gave it ({user_id, user_hash, email, name}), or null without a user id
// and a signature. The values are kept exactly as given: the signature covers those bytes.
export function normalizeIdentity(value) {
  if (!value || typeof value !== "object") return null;
  var userId = text(value.user_id != null ? value.user_id : value.userId);
  var hash = text(value.user_hash != null ? value.user_hash : value.userHash).trim();
  if (!userId || !hash) return null;
  return { user_id: userId, user_hash: hash, email: text(value.email), name: text(value.name) };
}

// The identity in the widget's script tag, or null.
export function identityFromScript(script) {
  return normalizeIdentity({
    user_id: script.getAttribute("data-user-id"),
    user_hash: script.getAttribute("data-user-hash"),
    email: script.getAttribute("data-user-email"),
    name: script.getAttribute("data-user-name"),
  });
}

// The frame that tells the server who the visitor is; without an identity, that they are anonymous.
export function identifyFrame(identity) {
  if (!identity) return { type: "identify" };
  return {
    type: "identify",
    user_id: identity.user_id,
    user_hash: identity.user_hash,
    email: identity.email,
    name: identity.name,
  };
}

// What to do with the browser's copy when the server says who the visitor is (an `identity`
// event). `owner` is the verified user id the stored conversation belongs to ("" for anonymous).
// Another owner's conversation is forgotten; a verified visitor with nothing open here resumes
// their newest conversation from any browser.
export function identityPlan(stored, event) {
  var owner = event.verified ? text(event.user_id) : "";
  var reset = text(stored.owner) !== owner;
  var conversation = reset ? null : stored.conversation || null;
  var list = Array.isArray(event.conversations) ? event.conversations : [];
  var resume = !conversation && owner && list.length && list[0] && list[0].id ? text(list[0].id) : null;
  return { owner: owner, reset: reset, conversation: resume || conversation, resumed: !!resume };
}

// `window.ChatSphere`: keeps what the page set there (an `identity` given before the script loaded)
// and adds `identify(identity)`, which reaches every widget on the page. Returns the page's
// identity given before the script loaded, or null.
export function installApi(win, onIdentify) {
  var api = win.ChatSphere && typeof win.ChatSphere === "object" ? win.ChatSphere : {};
  if (!Array.isArray(api._widgets)) {
    Object.defineProperty(api, "_widgets", { value: [], enumerable: false });
    api.identify = function (identity) {
      api.identity = identity || null;
      var normal = normalizeIdentity(identity);
      api._widgets.forEach(function (listener) {
        listener(normal);
      });
    };
  }
  api._widgets.push(onIdentify);
  win.ChatSphere = api;
  return normalizeIdentity(api.identity);
}
