import assert from "node:assert/strict";
import { test } from "node:test";

import { citationItems } from "../src/citations.js";
import { translator } from "../src/i18n.js";

test("one line per document and page, numbered as the answer's markers", () => {
  const items = citationItems(
    [
      { number: 1, title: "Shipping policy", page: 3, snippet: "We ship to 30 countries." },
      { number: 2, title: "Shipping policy", page: 3, snippet: "Another passage, same page." },
      { number: 3, title: "Shipping policy", page: 4 },
      { number: 4, title: "  FAQ  ", page: null },
      { title: "", page: "" },
      null,
    ],
    translator("en"),
  );
  assert.deepEqual(items, [
    { label: "Shipping policy (page 3)", value: "1", title: "We ship to 30 countries." },
    { label: "Shipping policy (page 4)", value: "3", title: null },
    { label: "FAQ", value: "4", title: null },
    { label: "—", value: null, title: null },
  ]);
});

test("pages are named in the widget's language, and odd numbers fall back to the position", () => {
  const [item] = citationItems([{ number: "x", title: "Guide", page: 12 }], translator("fr"));
  assert.deepEqual(item, { label: "Guide (page 12)", value: "1", title: null });
  assert.deepEqual(citationItems(undefined, translator("en")), []);
});
