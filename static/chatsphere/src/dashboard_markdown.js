/*! ChatSphere safe Markdown for dashboard pages, the widget's renderer: builds DOM nodes (text
 * nodes and a few elements), never parses HTML. `ChatSphereMarkdown.render(source, into)`.
 * `ChatSphereResume.tracker()` resumes the playground's answers after a dropped connection;
 * `ChatSphereSources` opens cited sources as the widget does (links, and passages in a dialog). */
import { translator } from "./i18n.js";
import { render } from "./markdown.js";
import { resumeRefused, resumeTracker } from "./resume.js";
import { citationsByNumber, linkMarkers, sourceControl, sourceNumber, sourcePreview } from "./source_preview.js";

window.ChatSphereMarkdown = { render: render };
window.ChatSphereResume = { tracker: resumeTracker, refused: resumeRefused };
window.ChatSphereSources = {
  s: translator("en"),
  citationsByNumber: citationsByNumber,
  linkMarkers: linkMarkers,
  sourceControl: sourceControl,
  sourceNumber: sourceNumber,
  sourcePreview: sourcePreview,
};
