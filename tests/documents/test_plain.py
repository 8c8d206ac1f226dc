"""The plain-text printer: SymPy's sstr text, Euler's number written exp(1)."""
from __future__ import annotations

import sympy as sp

from symback.documents.plain import plain


def sym(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


def test_eulers_number_is_exp_1_and_a_users_e_is_its_name():
    assert plain(sp.E * sp.Symbol("E") + sp.exp(sp.Symbol("x"))) == "exp(1)*E + exp(x)"
    assert plain(sp.E, order="none") == "exp(1)"  # with settings: a printer of its own


def test_plain_text_of_symbol_products_and_their_sums_is_sympys():
    """plain()'s short paths (a JSON's every weight gradient and neuron formula) give SymPy's sstr text."""
    import random

    from sympy.printing.str import StrPrinter

    rng = random.Random(8)
    pool = [sym(n) for n in ("a1_15", "w2_9_15", "w2_10_15", "x1", "t", "b", "price", "lambda1")]
    pool += [sp.Symbol("dL/dz2_9"), sp.Symbol("\u2202z2_10")]
    shortcut = 0
    for _ in range(400):
        terms = [sp.Mul(*rng.sample(pool, rng.randint(1, 3))) for _ in range(rng.randint(1, 8))]
        if rng.random() < 0.2:
            terms.append(rng.choice([sp.Integer(-1), sp.Rational(1, 2), -pool[0], 2 * pool[1], pool[2] ** 2]))
        expr = sp.Add(*terms)
        assert plain(expr) == StrPrinter().doprint(expr), expr
        for term in sp.Add.make_args(expr):
            assert plain(term) == StrPrinter().doprint(term), term
        shortcut += all(t.is_Symbol or t.is_Mul and all(a.is_Symbol for a in t.args) for t in sp.Add.make_args(expr))
    assert shortcut > 200
