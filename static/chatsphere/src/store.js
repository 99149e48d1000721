/* What the widget keeps in the browser per bot: the visitor token, the current conversation, the
 * transcript (its newest messages) and whether the panel was open. */

export var MAX_STORED = 60;

export function storageKey(botKey) {
  return "chatsphere:v1:" + botKey;
}

// `getStorage` returns localStorage; reaching it can throw (storage blocked), so it is called late.
// Where storage is blocked or full, the session is kept in memory for this page view.
export function openStore(botKey, getStorage) {
  var key = storageKey(botKey);
  var memory = {};
  function load() {
    try {
      return JSON.parse(getStorage().getItem(key) || "{}") || {};
    } catch (e) {
      return memory;
    }
  }
  var state = load();
  if (!Array.isArray(state.messages)) state.messages = [];
  function save() {
    state.messages = state.messages.slice(-MAX_STORED);
    memory = state;
    try {
      getStorage().setItem(key, JSON.stringify(state));
    } catch (e) {
      /* storage blocked or full: keep the session in memory */
    }
  }
  return { state: state, save: save };
}

// The transcript records for the messages of a `history` event (as the server has them).
export function historyRecords(messages) {
  return messages.map(function (m) {
    return m.role === "user"
      ? { role: "user", text: String(m.content || "") }
      : {
          role: "assistant",
          text: String(m.content || ""),
          citations: Array.isArray(m.citations) ? m.citations : [],
          id: m.id ? String(m.id) : null,
          rating: m.feedback === 1 || m.feedback === -1 ? m.feedback : null,
        };
  });
}
