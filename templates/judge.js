// The acceptance rule of `symback grade` (symback/checking/acceptance.py) for the browser: the same reading
// of a written number, the same verdicts, in exact decimal arithmetic (BigInt), so that an answer box and
// `grade` never disagree. tests/documents/test_html_page.py runs both on a table of cases.
(function (root) {
  "use strict";
  var SPACES = /[ \t\u00a0\u2009\u200a\u202f\u2007\u205f]/g;
  var SIGNS = { "\u2212": "-", "\u2013": "-", "\uff0b": "+", "\u00d7": "*", "\u00b7": "*", "\u22c5": "*" };
  var NUMBER = /^([+-]?)([0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE]([+-]?[0-9]+)|[*xX]10\^\(?([+-]?[0-9]+)\)?)?$/;
  var COMMA = /^[+-]?[0-9]+,[0-9]+$/;
  var MAX_POWER_OF_TEN = 400;

  function compact(text) {  // spaces out, minus signs and times signs as ASCII, full-width digits as ASCII
    return text.replace(SPACES, "").replace(/[\u2212\u2013\uff0b\u00d7\u00b7\u22c5]/g, function (c) {
      return SIGNS[c];
    }).replace(/[\uff10-\uff19]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xff10 + 48); });
  }

  // The number `text` writes, as coefficient × 10^exponent with its significant digits, or null.
  function readAnswer(text) {
    var match = NUMBER.exec(compact(text));
    if (match === null) return null;
    var power = parseInt(match[3] || match[4] || "0", 10);
    if (Math.abs(power) > MAX_POWER_OF_TEN) return null;
    var parts = match[2].split("."), whole = parts[0], fraction = parts[1] || "";
    var coefficient = BigInt((whole + fraction) || "0");
    return { coefficient: match[1] === "-" ? -coefficient : coefficient, exponent: power - fraction.length,
             digits: (whole + fraction).replace(/^0+/, "").length };
  }

  function scaled(coefficient, exponent, to) { return coefficient * 10n ** BigInt(exponent - to); }

  // Whether the number lies in the key's window, key ± half a unit of its last digit (ends included).
  function accepts(number, key) {
    var keyCoefficient = key.digits ? BigInt(key.digits) * (key.negative ? -1n : 1n) : 0n;
    var unit = key.exponent - key.digits.length + 1;  // the place of the key's last digit
    var low = Math.min(number.exponent, unit - 1);
    var gap = scaled(number.coefficient, number.exponent, low) - scaled(keyCoefficient, unit, low);
    var tolerance = key.digits ? scaled(5n, unit - 1, low) : 0n;
    return (gap < 0n ? -gap : gap) <= tolerance;
  }

  // The verdict on an answer: "blank", "not a number" (hint "decimal_comma" for 0,406), "too few digits",
  // "correct", or null (outside the window). key: {negative, digits, exponent} as symback rounds it.
  function judge(text, key, digits) {
    if (!text.trim()) return { verdict: "blank", hint: null };
    var number = readAnswer(text);
    if (number === null) return { verdict: "not a number", hint: COMMA.test(compact(text)) ? "decimal_comma" : null };
    if (key.digits && number.coefficient !== 0n && number.digits < digits) return { verdict: "too few digits", hint: null };
    return { verdict: accepts(number, key) ? "correct" : null, hint: null };
  }

  var api = { judge: judge, readAnswer: readAnswer };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.symbackJudge = api;
})(this);
