"""Misconception sentences: one per code in both languages, formulas in the documents' notation."""
import mpmath
import pytest
import sympy as sp

import symback
from symback.checking.misconceptions import CODES
from symback.checking.mutations import mutations, named
from symback.checking.sweep import Sweep
from symback.documents.catalogue import LANGUAGES, messages
from symback.documents.misconception_text import misconception_segments, misconception_text

SCALAR = [named("sign"), named("constant_factor", factor=sp.Integer(2)), named("constant_factor", factor=sp.Rational(1, 3)),
          named("batch_mean", factor=sp.Integer(4), samples=4), named("batch_mean", factor=sp.Rational(1, 4), samples=4),
          named("decimal_shift", shift=-2), named("other_quantity", other="dL/dw2", value=mpmath.mpf("1.2193833")),
          named("transposed_index", other="dL/dw2_1_2", value=mpmath.mpf("0.5")), named("gradient_ascent"),
          named("missing_learning_rate"), named("arithmetic", value="1.2195", claimed="1.2159"),
          named("updated_weights_used"), named("softmax_shortcut", nodes=("L",))]


@pytest.fixture(scope="module")
def structural():
    """Every structural mutation of three examples' parameters (networks and graphs)."""
    found = []
    for example in ("mazur_222", "neuron", "softmax_233_graph"):
        solution = symback.solve(symback.load_example(example))
        sweep = Sweep(solution.derivation)
        for param in solution.graph.params[:4]:
            found += [m.misconception for m in mutations(sweep, param)]
    return found


def test_every_code_has_a_sentence_in_every_language(structural):
    codes = {m.code for m in structural + SCALAR}
    assert set(CODES) <= codes  # every code is exercised below
    for lang in LANGUAGES:
        t = messages(lang)
        assert all(any(k.startswith(f"verify.misconception.{code}") for k in t) for code in CODES)
        for misconception in structural + SCALAR:
            text = misconception_text(misconception, lang)
            assert text and "{" not in text and "\n" not in text, (misconception, text)


def test_the_missing_path_sentence_names_the_term_to_add(structural):
    missing = next(m for m in structural if m.code == "missing_path" and m.params["node"] == "a1_1"
                   and m.params["child"] == "z2_2")
    assert misconception_text(missing) == \
        "you summed only one of the two paths from a1_1 (through z2_1); add w2_2_1·δ2_2"
    assert (True, r"w^{(2)}_{2,1} \delta^{(2)}_{2}") in misconception_segments(missing)


def test_wrong_activation_derivative_in_unicode_and_latex():
    a = sp.Symbol("a1_1", real=True)
    misconception = named("wrong_activation_derivative", node="a1_1", function="tanh", used="sigmoid",
                          derivative=a * (1 - a), right=1 - a ** 2)
    assert misconception_text(misconception) == \
        "a1_1(1 − a1_1) is the sigmoid's derivative; a1_1 is a tanh unit, whose derivative is 1 − a1_1²"
    math = [piece for is_math, piece in misconception_segments(misconception, "ko") if is_math]
    assert math == [r"a^{(1)}_{1} \left(1 - a^{(1)}_{1}\right)", r"a^{(1)}_{1}", r"1 - \left(a^{(1)}_{1}\right)^{2}"]
    assert "시그모이드" in misconception_text(misconception, "ko")


def test_a_loss_of_another_name_is_written_so():
    assert misconception_text(named("gradient_ascent"), loss="E").endswith("w′ = w − η·∂E/∂w")
