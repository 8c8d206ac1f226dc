// Render every math block given on stdin (a JSON list of {tex, display}) with KaTeX, throwOnError.
// Prints a JSON list of the failures: [{index, error}]. Usage: node katex_check.js KATEX_DIR < blocks.json
const katex = require(process.argv[2]);
const blocks = JSON.parse(require("fs").readFileSync(0, "utf8"));
const failures = [];
blocks.forEach((block, index) => {
  try {
    katex.renderToString(block.tex, { displayMode: block.display, throwOnError: true, strict: "ignore" });
  } catch (error) {
    failures.push({ index, error: String(error.message || error) });
  }
});
process.stdout.write(JSON.stringify(failures));
