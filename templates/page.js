// The page of a worked solution (solution.html.j2): typeset the math with KaTeX, step through the backward
// pass node by node (buttons, arrow keys), highlight the node being worked on in the figure, and check the
// answer boxes with symbackJudge (judge.js). The data (answer keys, messages) is the JSON in #symback-data.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("symback-data").textContent);
  var messages = data.messages;

  document.querySelectorAll(".math").forEach(function (element) {
    katex.render(element.textContent, element, { displayMode: element.classList.contains("display"),
                                                 throwOnError: false });
  });

  var steps = Array.prototype.slice.call(document.querySelectorAll("section.step"));
  var after = document.getElementById("after");
  var progress = document.getElementById("progress");
  var shown = 0;  // steps revealed; the step `shown` is the one being worked on (its answer box open)

  function mark(index, name) {
    var step = data.steps[index];
    var node = step && step.figure ? document.getElementById(step.figure) : null;
    if (node === null) return;
    node.classList.add(name);
    if (name !== "current") return;
    document.querySelectorAll('#figure .edge[data-source="' + node.id.split("-").pop() + '"]').forEach(
      function (edge) { edge.classList.add("current"); });
  }

  function show(count) {
    shown = Math.max(0, Math.min(steps.length, count));
    steps.forEach(function (step, i) {
      step.hidden = i > shown;
      step.querySelector(".work").hidden = i >= shown;
      step.classList.toggle("current", i === shown);
    });
    document.querySelectorAll("#figure .current, #figure .done").forEach(function (element) {
      element.classList.remove("current", "done");
    });
    for (var i = 0; i < shown; i++) mark(i, "done");
    mark(shown, "current");
    if (after !== null) after.hidden = shown < steps.length;
    progress.textContent = messages.progress.replace("{shown}", shown).replace("{count}", steps.length);
    document.getElementById("previous").disabled = shown === 0;
    document.getElementById("next").disabled = shown === steps.length;
  }

  document.getElementById("next").addEventListener("click", function () { show(shown + 1); });
  document.getElementById("previous").addEventListener("click", function () { show(shown - 1); });
  document.addEventListener("keydown", function (event) {
    if (event.target.tagName === "INPUT") return;  // the arrows move the caret in an answer box
    if (event.key === "ArrowRight") show(shown + 1);
    else if (event.key === "ArrowLeft") show(shown - 1);
  });

  steps.forEach(function (step, i) {
    var form = step.querySelector("form.answer");
    if (form === null) return;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var said = symbackJudge.judge(form.querySelector("input").value, data.steps[i].key, data.digits);
      var verdict = said.verdict;
      var text = verdict === "correct" ? messages.correct : verdict === "blank" ? messages.blank
        : verdict === "too few digits" ? messages.too_few_digits
        : verdict === "not a number" ? (said.hint === "decimal_comma" ? messages.decimal_comma : messages.not_a_number)
        : messages.wrong;
      form.querySelector("output").textContent = text;
      form.classList.toggle("right", verdict === "correct");
      form.classList.toggle("wrong", verdict !== "correct");
    });
  });

  show(0);
})();
