/* Resuming an answer after the connection dropped (docs/chat.md, "Resuming an answer"): each event
 * of an answer carries its stream's id and its number (`stream_id`, `seq`). The tracker remembers
 * the last number applied of the answer in progress, tells the client what to ask for once it is
 * connected again, and lets each event through once, however often it arrives. */

var FINAL = { done: true, error: true };

export function resumeTracker() {
  var stream = null; // the answer in progress
  var last = 0; // the number of its last event applied

  return {
    // Whether to apply `event`: false for one of the answer in progress already applied.
    // Events without numbers (a server before resuming existed, or not part of an answer) pass.
    accept: function (event) {
      if (!event || typeof event.stream_id !== "string" || typeof event.seq !== "number") return true;
      if (event.stream_id === stream) {
        if (event.seq <= last) return false;
      } else if (event.request === "resume") {
        return true; // a refusal of a resume names the stream but is not part of it
      } else {
        stream = event.stream_id; // a new answer
      }
      last = event.seq;
      if (FINAL[event.type]) stream = null;
      return true;
    },
    // The frame to send once connected again, or null when no answer is in progress.
    frame: function () {
      return stream ? { type: "resume", stream_id: stream, after: last } : null;
    },
    // Whether an answer is in progress (events of it were received, but not its end).
    inProgress: function () {
      return stream !== null;
    },
    // Forget the answer in progress (it cannot be resumed, or the client gave up on it).
    reset: function () {
      stream = null;
      last = 0;
    },
  };
}

// Whether `event` says the answer can no longer be resumed: load the conversation's history instead.
export function resumeRefused(event) {
  return !!event && event.type === "error" && event.request === "resume";
}
