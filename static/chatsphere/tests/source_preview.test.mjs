import assert from "node:assert/strict";
import { test } from "node:test";

import { translator } from "../src/i18n.js";
import {
  citationsByNumber,
  citationTarget,
  passageDetails,
  passageLoader,
  passageTree,
  passageUrl,
  sourceName,
  webAddress,
} from "../src/source_preview.js";

const en = translator("en");

test("web pages open their http or https address; nothing else becomes a link", () => {
  assert.equal(webAddress("https://harbour.example/ferries?lang=en"), "https://harbour.example/ferries?lang=en");
  assert.equal(webAddress("http://harbour.example"), "http://harbour.example/");
  for (const bad of ["javascript:alert(1)", "data:text/html,hi", "/relative/page", "ftp://files.example/a", "", null]) {
    assert.equal(webAddress(bad), null, String(bad));
  }
});

test("a citation opens its web page, else its passage when the server offers one, else nothing", () => {
  assert.deepEqual(citationTarget({ number: 2, url: "https://harbour.example/", preview: false }), {
    kind: "link",
    href: "https://harbour.example/",
  });
  assert.deepEqual(citationTarget({ number: 1, url: null, preview: true }), { kind: "preview" });
  // Previews switched off by the owner: title and page only.
  assert.deepEqual(citationTarget({ number: 1, url: null, preview: false }), { kind: "none" });
  // A curated answer, an unsafe address, a citation without a number.
  assert.deepEqual(citationTarget({ number: 3, kind: "curated" }), { kind: "none" });
  assert.deepEqual(citationTarget({ number: 4, url: "javascript:alert(1)", preview: false }), { kind: "none" });
  assert.deepEqual(citationTarget({ url: null, preview: true }), { kind: "none" });
  assert.deepEqual(citationTarget(null), { kind: "none" });
});

test("screen readers hear each source as 'source n: title', in the widget's language", () => {
  assert.equal(sourceName({ number: 1, title: "Ferry timetable" }, en), "source 1: Ferry timetable");
  assert.equal(sourceName({ number: "2", title: "  " }, translator("fr")), "source 2 : —");
});

test("markers find their citation by number; the first of a number wins", () => {
  const first = { number: 1, title: "Ferries" };
  const byNumber = citationsByNumber([first, { number: "3", title: "Bread" }, { number: 1, title: "Again" }, {}, null]);
  assert.deepEqual(Object.keys(byNumber), ["1", "3"]);
  assert.equal(byNumber[1], first);
  assert.deepEqual(citationsByNumber(undefined), {});
});

test("the passage address names the bot, the answer and the source number", () => {
  assert.equal(
    passageUrl("https://chat.example/app", "pk_AbC", "0f8c-11", 2),
    "https://chat.example/app/api/v1/widget/pk_AbC/sources/0f8c-11/2/"
  );
});

test("the passage keeps its paragraphs; cited sentences are marked and named for screen readers", () => {
  const tree = passageTree(
    {
      paragraphs: [
        [{ text: "Harbour ferry timetable.", cited: false }],
        [
          { text: "The ferry leaves from pier seven.", cited: false },
          { text: "Tickets cost twelve euros.", cited: true },
        ],
      ],
    },
    en
  );
  assert.deepEqual(tree, [
    { tag: "p", cls: null, attrs: null, children: ["Harbour ferry timetable."] },
    {
      tag: "p",
      cls: null,
      attrs: null,
      children: [
        "The ferry leaves from pier seven.",
        " ",
        {
          tag: "mark",
          cls: null,
          attrs: null,
          children: [{ tag: "span", cls: "sr", attrs: null, children: ["Cited: "] }, "Tickets cost twelve euros."],
        },
      ],
    },
  ]);
  assert.deepEqual(passageTree({}, en), []);
});

test("under the title: the page when there is one, and the source's number", () => {
  assert.equal(passageDetails({ number: 1, page: 3 }, en), "page 3 · source 1");
  assert.equal(passageDetails({ number: 2, page: null }, en), "source 2");
});

test("passages are read with the visitor's current token and without cookies; errors reject", async () => {
  const calls = [];
  let token = "tok-1";
  const answers = [
    { ok: true, status: 200, json: async () => ({ number: 1, paragraphs: [] }) },
    { ok: false, status: 404, json: async () => ({ detail: "Source not found." }) },
  ];
  const fakeFetch = async (url, options) => {
    calls.push([url, options]);
    return answers.shift();
  };
  const load = passageLoader(fakeFetch, "https://chat.example", "pk1", "m-1", () => token);

  assert.deepEqual(await load({ number: 1 }), { number: 1, paragraphs: [] });
  token = "tok-2";
  await assert.rejects(load({ number: 2 }), /source 404/);
  assert.deepEqual(calls, [
    [
      "https://chat.example/api/v1/widget/pk1/sources/m-1/1/",
      { headers: { "X-Visitor-Token": "tok-1" }, credentials: "omit" },
    ],
    [
      "https://chat.example/api/v1/widget/pk1/sources/m-1/2/",
      { headers: { "X-Visitor-Token": "tok-2" }, credentials: "omit" },
    ],
  ]);
});
