import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { resumeRefused, resumeTracker } from "../src/resume.js";

// The events of one 40-word answer as the server numbers them.
function answerEvents(streamId = "s1") {
  const events = [{ type: "conversation", id: "c1" }];
  for (let n = 0; n < 40; n++) events.push({ type: "token", text: "word" + n + " " });
  events.push({ type: "sources", citations: [] }, { type: "done", message_id: "m1" });
  return events.map((event, index) => ({ ...event, stream_id: streamId, seq: index + 1 }));
}

function tokensOf(applied) {
  return applied.filter((event) => event.type === "token").map((event) => event.text.trim());
}

describe("resumeTracker", () => {
  test("a drop after the 5th token resumes after it, and replayed events render once", () => {
    const tracker = resumeTracker();
    const events = answerEvents();
    const applied = [];
    const deliver = (event) => {
      if (tracker.accept(event)) applied.push(event);
    };
    events.slice(0, 6).forEach(deliver); // conversation + 5 tokens, then the socket drops

    assert.deepEqual(tracker.frame(), { type: "resume", stream_id: "s1", after: 6 });
    // The server replays from an earlier point too (say, a frame was in flight): no duplicates.
    events.slice(3).forEach(deliver);

    assert.deepEqual(
      tokensOf(applied),
      Array.from({ length: 40 }, (_, n) => "word" + n)
    );
    assert.equal(applied.filter((event) => event.type === "done").length, 1);
    assert.equal(tracker.inProgress(), false);
    assert.equal(tracker.frame(), null, "nothing to resume once the answer is done");
  });

  test("the next answer is a new stream, applied from its first event", () => {
    const tracker = resumeTracker();
    answerEvents("s1").forEach((event) => tracker.accept(event));
    const next = answerEvents("s2");
    assert.equal(tracker.accept(next[0]), true);
    assert.equal(tracker.accept(next[1]), true);
    assert.equal(tracker.accept(next[1]), false);
    assert.deepEqual(tracker.frame(), { type: "resume", stream_id: "s2", after: 2 });
  });

  test("events without numbers (an older server, pongs, history) always pass", () => {
    const tracker = resumeTracker();
    assert.equal(tracker.accept({ type: "token", text: "Hi" }), true);
    assert.equal(tracker.accept({ type: "token", text: "Hi" }), true);
    assert.equal(tracker.accept({ type: "pong" }), true);
    assert.equal(tracker.frame(), null);
  });

  test("a refused resume passes, is recognised, and reset forgets the answer", () => {
    const tracker = resumeTracker();
    answerEvents().slice(0, 4).forEach((event) => tracker.accept(event));
    const refusal = { type: "error", code: "stream_expired", request: "resume", stream_id: "s1", message: "…" };
    assert.equal(tracker.accept(refusal), true);
    assert.equal(resumeRefused(refusal), true);
    assert.equal(resumeRefused({ type: "error", code: "busy" }), false);
    tracker.reset();
    assert.equal(tracker.frame(), null);
  });

  test("an error ending the answer ends the stream", () => {
    const tracker = resumeTracker();
    tracker.accept({ type: "conversation", id: "c", stream_id: "s", seq: 1 });
    tracker.accept({ type: "error", code: "answer_failed", stream_id: "s", seq: 2 });
    assert.equal(tracker.inProgress(), false);
  });
});
