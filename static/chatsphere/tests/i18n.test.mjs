import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { errorText, pickLanguage, STRINGS, translator } from "../src/i18n.js";

describe("language", () => {
  test("data-lang first, then the browser's languages in order, else English", () => {
    assert.equal(pickLanguage(["fr", "en-US"]), "fr");
    assert.equal(pickLanguage(["", "de-DE", "fr-CA", "en"]), "fr");
    assert.equal(pickLanguage(["", "FR_be"]), "fr");
    assert.equal(pickLanguage(["", "en-GB", "fr"]), "en");
    assert.equal(pickLanguage(["de", "ja"]), "en");
    assert.equal(pickLanguage(["constructor", "__proto__"]), "en");
    assert.equal(pickLanguage([]), "en");
  });

  test("every language has every text, with the same placeholders", () => {
    const placeholders = (text) => (text.match(/\{\w+\}/g) || []).sort();
    for (const [code, strings] of Object.entries(STRINGS)) {
      assert.deepEqual(Object.keys(strings).sort(), Object.keys(STRINGS.en).sort(), code);
      for (const [name, text] of Object.entries(strings)) {
        assert.deepEqual(placeholders(text), placeholders(STRINGS.en[name]), `${code}.${name}`);
      }
    }
  });
});

test("texts are filled in, in the chosen language", () => {
  assert.equal(translator("fr")("tooLong", { n: 4000 }), "Votre message est trop long : 4000 caractères au maximum.");
  assert.equal(translator("en")("reconnecting", { s: 4 }), "Connection lost. Reconnecting in 4 s…");
  assert.equal(translator("en")("page"), "page ");
  assert.equal(translator("xx")("send"), "Send");
});

test("errors from the server read as sentences", () => {
  const s = translator("en");
  const wait = (seconds) => `You're sending messages quickly. Please wait ${seconds} seconds and try again.`;
  assert.equal(errorText({ code: "rate_limited", retry_after: 12 }, s, 4000), wait(12));
  assert.equal(errorText({ code: "rate_limited" }, s, 4000), wait(30));
  assert.equal(errorText({ code: "message_too_long" }, s, 500), "Your message is too long: at most 500 characters.");
  assert.equal(errorText({ code: "quota_exceeded" }, translator("fr"), 500), STRINGS.fr.quota);
  assert.equal(errorText({ code: "something_new" }, s, 500), STRINGS.en.failed);
});
