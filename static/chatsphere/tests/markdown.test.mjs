import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { build, parse, render } from "../src/markdown.js";

// The text a tree shows, as a reader would see it.
function text(nodes) {
  return nodes.map((n) => (typeof n === "string" ? n : n.tag === "br" ? "\n" : text(n.children))).join("");
}
function find(nodes, tag) {
  const found = [];
  for (const n of nodes) {
    if (typeof n === "string") continue;
    if (n.tag === tag) found.push(n);
    found.push(...find(n.children, tag));
  }
  return found;
}

describe("links", () => {
  test("http, https and mailto links become links that open in a new tab", () => {
    const tree = parse(
      "See [the guide](https://example.com/guide), [us](mailto:help@example.com) or [old](http://example.org/).",
    );
    const links = find(tree, "a");
    assert.deepEqual(
      links.map((a) => [a.attrs.href, text(a.children)]),
      [
        ["https://example.com/guide", "the guide"],
        ["mailto:help@example.com", "us"],
        ["http://example.org/", "old"],
      ],
    );
    for (const a of links) {
      assert.equal(a.attrs.target, "_blank");
      assert.equal(a.attrs.rel, "noopener noreferrer nofollow");
    }
  });

  const refused = [
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "data:text/html;base64,PHNjcmlwdD4=",
    "vbscript:x",
    "/relative/page",
    "file:///etc/passwd",
  ];
  for (const href of refused) {
    test(`a [link](${href}) stays text`, () => {
      const tree = parse(`Click [here](${href}) now`);
      assert.deepEqual(find(tree, "a"), []);
      assert.equal(text(tree), "Click here now");
    });
  }

  test("bare web addresses become links without the sentence's closing punctuation", () => {
    const tree = parse("Read https://example.com/faq?q=1.");
    const [a] = find(tree, "a");
    assert.equal(a.attrs.href, "https://example.com/faq?q=1");
    assert.equal(text(tree), "Read https://example.com/faq?q=1.");
  });
});

describe("text is never markup", () => {
  test("HTML in an answer stays visible text", () => {
    const source = 'Use <script>alert("x")</script> and <img src=x onerror=alert(1)>';
    const tree = parse(source);
    assert.equal(tree.length, 1);
    assert.deepEqual(tree[0].children, [source]);
  });

  test("rendering creates elements and text nodes only, with the text as given", () => {
    const doc = fakeDocument();
    const into = doc.createElement("div");
    render("**<b>bold</b>** and `<i>code</i>`\n\n- [a](javascript:x)", into);
    assert.equal(
      serialize(into),
      "<div><p><strong>#<b>bold</b></strong># and <code>#<i>code</i></code></p><ul><li>#a</li></ul></div>",
    );
    assert.deepEqual(doc.calls.filter((call) => !["createElement", "createTextNode"].includes(call)), []);
  });
});

describe("blocks", () => {
  test("emphasis, code and citation markers", () => {
    const [p] = parse("**Refunds** take *five* days, see `policy.pdf` [2].");
    assert.deepEqual(
      p.children.map((n) => (typeof n === "string" ? n : `${n.tag}${n.cls ? "." + n.cls : ""}:${text(n.children)}`)),
      ["strong:Refunds", " take ", "em:five", " days, see ", "code:policy.pdf", " ", "sup.cite:[2]", "."],
    );
  });

  test("double underscores inside words are not emphasis", () => {
    const [p] = parse("Set snake__case__name or MAX__SIZE__ and __really__ mean it");
    assert.deepEqual(find([p], "strong").map((n) => text(n.children)), ["really"]);
    assert.equal(text([p]), "Set snake__case__name or MAX__SIZE__ and really mean it");
  });

  test("lists keep their numbering and continuation lines", () => {
    const [list] = parse("3. Open the app\n   then sign in\n4. Pay");
    assert.equal(list.tag, "ol");
    assert.deepEqual(list.attrs, { start: "3" });
    assert.deepEqual(list.children.map((li) => text(li.children)), ["Open the app\nthen sign in", "Pay"]);
    assert.equal(parse("- a\n- b")[0].tag, "ul");
    assert.equal(parse("1. a")[0].attrs, null);
  });

  test("headings, quotes, code blocks and paragraphs", () => {
    const tree = parse("## Shipping ##\n> Quoted **text**\n> more\n\n```\n<b>raw</b>\n```\nLine one\nline two");
    assert.deepEqual(tree.map((n) => n.tag + (n.cls ? "." + n.cls : "")), ["p.h", "blockquote", "pre", "p"]);
    assert.equal(text(tree[0].children), "Shipping");
    assert.equal(text(tree[1].children), "Quoted text\nmore");
    assert.deepEqual(tree[2].attrs, { tabindex: "0" });
    assert.deepEqual(tree[2].children[0].children, ["<b>raw</b>"]);
    assert.equal(text(tree[3].children), "Line one\nline two");
  });

  test("Windows line endings and a half-streamed answer", () => {
    assert.equal(text(parse("a\r\nb")), "a\nb");
    assert.equal(text(parse("Half **bold")), "Half **bold");
    assert.deepEqual(parse("```\nstill streaming")[0].children[0].children, ["still streaming"]);
  });
});

// A document that records what is asked of it: enough of the DOM for `build`, and nothing that parses HTML.
function fakeDocument() {
  const calls = [];
  const doc = {
    calls,
    createElement(tag) {
      calls.push("createElement");
      return {
        tag,
        ownerDocument: doc,
        className: "",
        attributes: {},
        children: [],
        setAttribute(name, value) {
          this.attributes[name] = value;
        },
        appendChild(child) {
          this.children.push(child);
        },
      };
    },
    createTextNode(data) {
      calls.push("createTextNode");
      return { text: data };
    },
  };
  return doc;
}
// Elements as tags, text nodes as `#text` (so text that looks like markup is told apart from elements).
function serialize(node) {
  if ("text" in node) return "#" + node.text;
  return `<${node.tag}>${node.children.map(serialize).join("")}</${node.tag}>`;
}

test("build appends into the given element and returns it", () => {
  const doc = fakeDocument();
  const into = doc.createElement("div");
  assert.equal(build(parse("hi"), into), into);
  assert.equal(serialize(into), "<div><p>#hi</p></div>");
});
