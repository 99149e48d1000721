/* Colours derived from the bot's primary colour, keeping WCAG AA contrast (4.5:1 for text). */

export var DEFAULT_COLOR = "#2563EB";
var LIGHT_TEXT = "#ffffff";
var DARK_TEXT = "#111827";

function rgb(hex) {
  var n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
function toHex(c) {
  return "#" + c.map(function (v) { return ("0" + Math.round(v).toString(16)).slice(-2); }).join("");
}
function luminance(c) {
  var l = c.map(function (v) {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
}

// The WCAG contrast ratio of two `#rrggbb` colours, from 1 to 21.
export function contrast(a, b) {
  var x = luminance(rgb(a)), y = luminance(rgb(b));
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

// White or near-black, whichever reads better on `bg`.
export function readableOn(bg) {
  return contrast(bg, LIGHT_TEXT) >= contrast(bg, DARK_TEXT) ? LIGHT_TEXT : DARK_TEXT;
}

// The colour darkened until it reaches 4.5:1 on `bg` (for links and accents on light surfaces).
export function darkenFor(color, bg) {
  var c = rgb(color);
  for (var i = 0; i < 20 && contrast(toHex(c), bg) < 4.5; i++) c = c.map(function (v) { return v * 0.85; });
  return toHex(c);
}

// The colour mixed towards white until it reaches 4.5:1 on `bg` (for accents on dark surfaces).
export function lightenFor(color, bg) {
  var c = rgb(color);
  for (var i = 0; i < 20 && contrast(toHex(c), bg) < 4.5; i++) c = c.map(function (v) { return v + (255 - v) * 0.2; });
  return toHex(c);
}

// The surfaces links and accents sit on: the panel and the bot's message bubbles, light and dark.
export var SURFACES = {
  light: { panel: "#ffffff", bubble: "#f3f4f6" },
  dark: { panel: "#111827", bubble: "#1f2937" },
};

// The widget's CSS custom properties for a primary colour (the default one when it is not `#rrggbb`),
// on the light surfaces, or on the dark ones when `dark` is true.
export function themeFor(color, dark) {
  color = /^#[0-9a-f]{6}$/i.test(color || "") ? color : DEFAULT_COLOR;
  var surface = dark ? SURFACES.dark : SURFACES.light;
  var adjust = dark ? lightenFor : darkenFor;
  var accent = adjust(color, surface.panel);
  return {
    "--primary": color,
    "--on-primary": readableOn(color),
    "--link": adjust(color, surface.bubble),
    "--accent": accent,
    "--on-accent": readableOn(accent),
    "--ring": accent,
  };
}

// Whether the widget shows dark colours: the bot's `theme` (light, dark, auto), where auto follows
// the visitor's system setting (`prefersDark`).
export function isDark(theme, prefersDark) {
  if (theme === "dark") return true;
  if (theme === "light") return false;
  return !!prefersDark;
}
