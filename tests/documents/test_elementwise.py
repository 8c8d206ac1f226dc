"""Formulas over matrices entry by entry: products as ⊙, quotients as ⊘, powers as ^{⊙ n}."""
from __future__ import annotations

import sympy as sp

from symback.documents.elementwise import elementwise_latex
from symback.documents.tex import Tex

A, Y, T, Z = sp.symbols("A Y T Z")


def test_products_quotients_and_powers_entry_by_entry():
    names = {"A": "A^{(1)}", "Z": "Z^{(1)}"}
    assert elementwise_latex(A * (1 - A), names) == r"A^{(1)} \odot \left(1 - A^{(1)}\right)"
    assert elementwise_latex(1 - A ** 2, names) == r"1 - {A^{(1)}}^{\odot 2}"
    assert elementwise_latex(-T / Y, {}) == r"- T \oslash Y"
    assert elementwise_latex(sp.Mul(2, Y - T, evaluate=False), {}) == r"2 \left(Y - T\right)"
    assert elementwise_latex(1 / Y, {}) == r"1 \oslash Y"
    assert type(elementwise_latex(Y, {})) is Tex
