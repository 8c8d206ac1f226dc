"""The rules by which a name is written in LaTeX (``w2_1_3`` as w^{(2)}_{1,3}), through the printer and alone."""
from __future__ import annotations

import pytest
import sympy as sp

from symback.documents.latex_names import name_tex, script, stem_tex
from symback.documents.printing import latex, name_latex


def sym(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


NAMES = [
    # letters + digits: digits as subscript (b1 too: one rule, no guessing a shared bias)
    ("w1", "w_{1}"), ("i1", "i_{1}"), ("x12", "x_{12}"), ("L", "L"), ("o", "o"), ("b1", "b_{1}"),
    # network names: layer in a parenthesized superscript, indices as subscript
    ("w2_1_3", "w^{(2)}_{1,3}"), ("w1_2_3", "w^{(1)}_{2,3}"), ("b1_2", "b^{(1)}_{2}"),
    ("z1_2", "z^{(1)}_{2}"), ("a1_2", "a^{(1)}_{2}"), ("w1_11", "w^{(1)}_{11}"), ("w12_3", "w^{(12)}_{3}"),
    # sample suffix _s<i>: a bracketed superscript
    ("x1_s2", "x^{[2]}_{1}"), ("y1_s2", "y^{[2]}_{1}"), ("z1_2_s3", "z^{(1)[3]}_{2}"),
    ("w1_1_2_s4", "w^{(1)[4]}_{1,2}"), ("L_s2", "L^{[2]}"), ("apple_num_s2", r"\mathrm{apple\_num}^{[2]}"),
    # normalisation: the normalised value under a hat; a layer's per-sample mean and variance (layer norm)
    ("xh2_1", r"\hat{x}^{(2)}_{1}"), ("xh2_1_s3", r"\hat{x}^{(2)[3]}_{1}"), ("mu2_s3", r"\mu^{(2)[3]}"),
    ("var12_s1", r"\mathrm{var}^{(12)[1]}"), ("mu2_1", r"\mu^{(2)}_{1}"), ("mu_s2", r"\mu^{[2]}"),
    # a sequence's step _t<t> (before the sample): an angled superscript, and the sequence layers' two-letter stems
    ("h1_2_t3", r"h^{(1)\langle 3\rangle}_{2}"), ("x1_t2", r"x^{\langle 2\rangle}_{1}"),
    ("x1_t2_s3", r"x^{\langle 2\rangle[3]}_{1}"), ("h1_2_t0", r"h^{(1)\langle 0\rangle}_{2}"),
    ("wx1_2_1", "w^{(1)}_{x,2,1}"), ("wh1_1_2", "w^{(1)}_{h,1,2}"), ("wq2_1_1", "w^{(2)}_{q,1,1}"),
    ("zf1_2_t3", r"z^{(1)\langle 3\rangle}_{f,2}"), ("y1_t3_s2", r"y^{\langle 3\rangle[2]}_{1}"),
    ("wx1", r"\mathrm{wx}_{1}"),  # not a layer's name: the stem stays a word
    # underscore-separated indices
    ("x_1", "x_{1}"), ("w_i_j", "w_{i,j}"), ("lambda_1", r"\lambda_{1}"),
    # Greek names
    ("alpha", r"\alpha"), ("beta", r"\beta"), ("gamma", r"\gamma"), ("delta", r"\delta"), ("eta", r"\eta"),
    ("lambda", r"\lambda"), ("sigma", r"\sigma"), ("theta", r"\theta"), ("mu", r"\mu"), ("pi", r"\pi"),
    ("lambda1", r"\lambda_{1}"), ("eta12", r"\eta_{12}"), ("Delta", r"\Delta"), ("Omega", r"\Omega"),
    ("Alpha", r"\mathrm{Alpha}"),  # no \Alpha in LaTeX
    # single letters stay the user's italic symbols
    ("E", "E"), ("I", "I"), ("S", "S"), ("N", "N"), ("Q", "Q"), ("e", "e"),
    # other multi-letter names: upright, escaped
    ("apple_num", r"\mathrm{apple\_num}"), ("price", r"\mathrm{price}"), ("Error", r"\mathrm{Error}"),
    ("all_price", r"\mathrm{all\_price}"), ("price2", r"\mathrm{price}_{2}"), ("h1a", r"\mathrm{h1a}"),
    # not a symback name: inert text
    ("x}\\def", r"\text{x\}\textbackslash{}def}"), ("a b$", r"\text{a b\$}"),
]


@pytest.mark.parametrize("name, expected", NAMES)
def test_name_notation(name, expected):
    assert name_latex(name) == expected
    assert latex(sym(name)) == expected


def test_names_setting_overrides_every_rule():
    names = {"w2_1_3": r"\omega", "alpha": "a", "price": r"\$", "x1_s2": "X"}
    assert latex(sym("w2_1_3") * sym("x"), names=names) == r"\omega x"
    assert name_latex("alpha", names=names) == "a"
    assert name_latex("price", names=names) == r"\$"
    assert name_latex("x1_s2", names=names) == "X"
    assert name_latex("x1", names=names) == "x_{1}"
    assert latex(sym("w1"), symbol_names={sym("w1"): "W"}) == "W"  # SymPy's own setting still works




def test_the_rules_alone_are_the_printers():
    for name, expected in NAMES:
        assert name_tex(name) == expected


def test_stem_and_script():
    assert stem_tex("z") == "z" and stem_tex("delta") == r"\delta" and stem_tex("price") == r"\mathrm{price}"
    assert script("w", "(2)", "_1_3") == "w^{(2)}_{1,3}"
    assert script("L", "", "") == "L" and script("x", "[2]", "") == "x^{[2]}" and script("x", "", "k") == "x_{k}"
