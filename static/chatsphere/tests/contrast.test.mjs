import assert from "node:assert/strict";
import { test } from "node:test";

import { contrast, darkenFor, DEFAULT_COLOR, isDark, lightenFor, readableOn, SURFACES, themeFor } from "../src/contrast.js";

test("contrast ratios match WCAG's", () => {
  assert.equal(contrast("#000000", "#ffffff"), 21);
  assert.equal(contrast("#777777", "#777777"), 1);
  assert.equal(contrast("#ffffff", "#767676").toFixed(2), "4.54");
});

test("text on the primary colour is white or near-black, whichever reads better", () => {
  assert.equal(readableOn("#2563EB"), "#ffffff");
  assert.equal(readableOn("#FACC15"), "#111827");
  assert.equal(readableOn("#ffffff"), "#111827");
  assert.equal(readableOn("#000000"), "#ffffff");
});

test("light colours are darkened until links and accents reach 4.5:1", () => {
  for (const color of ["#FACC15", "#A3E635", "#ffffff", "#67E8F9"]) {
    const darker = darkenFor(color, "#ffffff");
    assert.ok(contrast(darker, "#ffffff") >= 4.5, `${color} -> ${darker}`);
  }
  assert.equal(darkenFor("#1E3A8A", "#ffffff"), "#1e3a8a"); // dark enough already
});

test("the theme uses the bot's colour, or the default one for anything but #rrggbb", () => {
  const theme = themeFor("#FACC15");
  assert.equal(theme["--primary"], "#FACC15");
  assert.equal(theme["--on-primary"], "#111827");
  assert.ok(contrast(theme["--link"], "#f3f4f6") >= 4.5);
  assert.ok(contrast(theme["--accent"], "#ffffff") >= 4.5);
  for (const bad of [null, "", "red", "#fff", "#12345g", "url(x)"]) assert.equal(themeFor(bad)["--primary"], DEFAULT_COLOR, bad);
});

test("on the dark surfaces, dark colours are lightened until links and accents reach 4.5:1", () => {
  for (const color of ["#2563EB", "#1E3A8A", "#000000", "#7C3AED", "#B91C1C"]) {
    const lighter = lightenFor(color, SURFACES.dark.panel);
    assert.ok(contrast(lighter, SURFACES.dark.panel) >= 4.5, `${color} -> ${lighter}`);
  }
  assert.equal(lightenFor("#FACC15", SURFACES.dark.panel), "#facc15"); // light enough already
});

test("the dark theme keeps the bot's colour where it is solid and AA contrast everywhere else", () => {
  for (const color of ["#2563EB", "#1E3A8A", "#FACC15", "#000000", "#ffffff"]) {
    const theme = themeFor(color, true);
    assert.equal(theme["--primary"], color);
    assert.ok(contrast(theme["--on-primary"], color) >= 4.5, `${color} header text`);
    assert.ok(contrast(theme["--link"], SURFACES.dark.bubble) >= 4.5, `${color} link`);
    assert.ok(contrast(theme["--accent"], SURFACES.dark.panel) >= 4.5, `${color} accent`);
    assert.ok(contrast(theme["--on-accent"], theme["--accent"]) >= 4.5, `${color} pressed rating`);
  }
  assert.notEqual(themeFor("#1E3A8A", true)["--accent"], themeFor("#1E3A8A", false)["--accent"]);
});

test("the bot's theme decides, and auto follows the visitor's system setting", () => {
  assert.equal(isDark("dark", false), true);
  assert.equal(isDark("light", true), false);
  assert.equal(isDark("auto", true), true);
  assert.equal(isDark("auto", false), false);
  assert.equal(isDark(undefined, true), true); // an older config without a theme: auto
});
