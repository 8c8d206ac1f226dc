"""Exercise variants: reading [vary] and [ask], reproducible draws, constraints, rounding, and an oracle."""
import random
import tomllib
from decimal import Decimal
from fractions import Fraction

import mpmath
import pytest
import sympy as sp

import symback
from symback.engine.vary import (KINK_MARGIN, check_vary, draw_variant, leaf_values, near_tie, questions,
                                 round_answer, variant_seeds, variant_spec)


@pytest.mark.parametrize("ask, where", [
    ({"gradients": ["w7"]}, "ask.gradients"),
    ({"values": ["q"]}, "ask.values"),
    ({"updated": ["i1"]}, "ask.updated"),
])
def test_asked_names_are_checked_against_the_problem(ask, where, neuron_exercise):
    with pytest.raises(symback.SpecError) as exc:
        questions(neuron_exercise(ask=ask))
    assert exc.value.where == f"ex.toml: {where}"


def test_unknown_vary_name_and_missing_table(neuron_exercise):
    with pytest.raises(symback.SpecError, match="'w9' is not an input or parameter"):
        check_vary(neuron_exercise(vary={"w9": {"choices": [1]}}))
    with pytest.raises(symback.SpecError, match="no \\[vary\\] table"):
        check_vary(symback.load_example("neuron"))


def test_questions_and_their_labels(neuron_exercise):
    assert [q.label for q in questions(neuron_exercise())] == ["o", "dL/dw1", "dL/dw2", "w1'"]


def test_variant_seeds_are_mersenne_twister_and_stable():
    # CPython's random.Random is documented to reproduce its sequence across versions and platforms
    assert variant_seeds(7, 3) == [1390851128, 4071050724, 647892279]
    master = random.Random(7)
    assert variant_seeds(7, 5) == [master.getrandbits(32) for _ in range(5)]


def test_same_seed_same_draw_and_values_from_the_table(neuron_exercise):
    s = neuron_exercise()
    asked = questions(s)
    first = draw_variant(s, 123, symback.solve, asked)[0]
    again = draw_variant(s, 123, symback.solve, asked)[0]
    assert first == again
    draws = {d.name: d for d in s.vary.draws}
    assert all(first[n] in draws[n].values for n in first)
    seen = {tuple(draw_variant(s, seed, symback.solve, asked)[0].items()) for seed in range(8)}
    assert len(seen) > 1


def test_one_hot_sets_exactly_one_entry():
    net = symback.load_example("exercise_mazur")
    for seed in range(6):
        values = draw_variant(net, seed, symback.solve, questions(net))[0]
        assert sorted((values["t1"], values["t2"])) == [0, 1]
        assert set(values) >= {"x1", "x2", "w1_1_1", "w2_2_2"} and "b1" not in values


RELU = {"loss": "L", "inputs": {"x": 1}, "params": {"w": 0.5},
        "nodes": {"z": "w*x", "L": "relu(z)"}, "ask": {"gradients": ["w"]}}


def test_avoid_kinks_never_draws_a_relu_input_at_the_kink():
    s = symback.spec_from_dict({**RELU, "vary": {"w": {"choices": [-0.5, 0.01, 0.5]}}})
    drawn = {draw_variant(s, seed, symback.solve, questions(s))[0]["w"] for seed in range(30)}
    assert drawn == {sp.Rational(-1, 2), sp.Rational(1, 2)}
    assert abs(sp.Rational(1, 100)) < KINK_MARGIN  # the excluded value is inside the margin


def test_a_constraint_no_draw_meets_is_one_spec_error():
    s = symback.spec_from_dict({**RELU, "vary": {"w": {"choices": [0, 0.01]}}}, source="k.toml")
    with pytest.raises(symback.SpecError) as exc:
        draw_variant(s, 1, symback.solve, questions(s))
    assert exc.value.where == "k.toml: vary.avoid_kinks" and "1000 tries" in exc.value.message
    relaxed = symback.spec_from_dict({**RELU, "vary": {"w": {"choices": [0.01]}, "avoid_kinks": False}})
    assert draw_variant(relaxed, 1, symback.solve, questions(relaxed))[0] == {"w": sp.Rational(1, 100)}


SQUARE = {"loss": "L", "inputs": {"x": 1}, "params": {"w": 0.5}, "nodes": {"L": "(w*x - 1)^2"}, "ask": {"values": ["L"]}}


def test_min_abs_draws_again_while_an_asked_answer_is_nearer_zero():
    """L = (w - 1)^2: w = 0.999 gives 1e-6, w = 0.99 gives 1e-4 (kept: the bound is inclusive), w = 0.9 gives 0.01."""
    s = symback.spec_from_dict({**SQUARE, "vary": {"w": {"choices": [0.999, 0.99, 0.9]}, "min_abs": 0.0001}})
    drawn = {draw_variant(s, seed, symback.solve, questions(s))[0]["w"] for seed in range(30)}
    assert drawn == {sp.Rational(99, 100), sp.Rational(9, 10)}
    never = symback.spec_from_dict({**SQUARE, "vary": {"w": {"choices": [1, 0.999]}, "min_abs": 0.0001}}, source="m.toml")
    with pytest.raises(symback.SpecError) as exc:
        draw_variant(never, 1, symback.solve, questions(never))
    assert exc.value.where == "m.toml: vary.min_abs" and "lower min_abs" in exc.value.fix


@pytest.mark.parametrize("value, digits, text", [
    (sp.Rational(48780, 100000), 3, "0.488"), (sp.Rational(9996, 1000), 3, "10.0"),
    (sp.Rational(-1, 8), 2, "-0.12"), (sp.Rational(1, 8000), 3, "0.000125"), (sp.Integer(0), 3, "0"),
    (sp.Rational(-12345678, 10), 3, "-1.23e6"),
])
def test_round_answer(value, digits, text):
    assert round_answer(value, digits).text == text


def test_round_answer_agrees_with_python_formatting_and_tolerance_is_half_a_unit():
    rng = random.Random(5)
    for _ in range(300):
        x = sp.Rational(rng.randrange(-10**9, 10**9), 10 ** rng.randrange(2, 12))
        if x == 0 or near_tie(x, 4):
            continue
        rounded = round_answer(x, 4)
        assert Decimal(rounded.text) == Decimal(f"{float(x):.4g}")
        assert abs(Decimal(str(sp.N(x, 40))) - Decimal(rounded.text)) <= rounded.tolerance


def test_near_tie():
    assert near_tie(sp.Rational(1235, 10000), 3) and near_tie(sp.Rational(12349, 100000), 3)
    assert not near_tie(sp.Rational(1234, 10000), 3) and not near_tie(sp.Integer(0), 3)


def test_variant_spec_of_a_network_moves_each_named_entry():
    base = symback.load_example("mazur_222")
    changed = variant_spec(base, {"w1_2_1": sp.Rational(7, 10), "x2": sp.Integer(1), "b2": sp.Rational(1, 2)})
    values = leaf_values(changed)
    assert values["w1_2_1"] == sp.Rational(7, 10) and values["x2"] == 1 and values["b2"] == sp.Rational(1, 2)
    assert changed.network.weights[0][1][0] == sp.Rational(7, 10)
    unchanged = {n: v for n, v in leaf_values(base).items() if n not in ("w1_2_1", "x2", "b2")}
    assert all(values[n] == v for n, v in unchanged.items())


# -- the oracle: answers of drawn variants against independent computations -------------------------
def _neuron_mpmath(v, h=mpmath.mpf("1e-20")):
    """The neuron's o and dL/dw (central differences, 60 digits), from the drawn values only."""
    def loss(w1, w2):
        o = 1 / (1 + mpmath.exp(-(w1 * v["i1"] + w2 * v["i2"])))
        return (v["t"] - o) ** 2, o
    with mpmath.workdps(60):
        w1, w2 = (mpmath.mpf(sp.Rational(v[n]).p) / sp.Rational(v[n]).q for n in ("w1", "w2"))
        g1 = (loss(w1 + h, w2)[0] - loss(w1 - h, w2)[0]) / (2 * h)
        g2 = (loss(w1, w2 + h)[0] - loss(w1, w2 - h)[0]) / (2 * h)
        return {"o": loss(w1, w2)[1], "L": loss(w1, w2)[0], "dL/dw1": g1, "dL/dw2": g2, "w1'": w1 - g1, "w2'": w2 - g2}


def test_neuron_variants_against_mpmath_differences():
    ex = symback.exercise(symback.example_path("exercise_neuron"), variants=4, seed=11)
    for variant in ex.variants:
        values = {**{"i1": 2, "i2": 5, "t": 0}, **{n: sp.Rational(x) for n, x in variant.values.items()}}
        oracle = _neuron_mpmath(values)
        for a in variant.answers:
            expected = oracle[a.question.label]
            assert abs(sp.N(a.value, 40) - sp.Float(mpmath.nstr(expected, 40), 40)) < 1e-30 * max(1, abs(expected))
            assert Decimal(a.rounded.text) == Decimal(f"{float(expected):.3g}")


def test_network_variants_against_torch_autograd():
    torch = pytest.importorskip("torch")
    ex = symback.exercise(symback.example_path("exercise_mazur"), variants=3, seed=2)
    base = symback.load_example("exercise_mazur")
    for variant in ex.variants:
        v = leaf_values(variant_spec(base, variant.values))
        t64 = lambda *names: torch.tensor([float(v[n]) for n in names], dtype=torch.float64)  # noqa: E731
        W1 = torch.tensor([[float(v[f"w1_{j}_{k}"]) for k in (1, 2)] for j in (1, 2)], dtype=torch.float64, requires_grad=True)
        W2 = torch.tensor([[float(v[f"w2_{j}_{k}"]) for k in (1, 2)] for j in (1, 2)], dtype=torch.float64, requires_grad=True)
        a1 = torch.sigmoid(W1 @ t64("x1", "x2") + float(v["b1"]))
        y = torch.sigmoid(W2 @ a1 + float(v["b2"]))
        L = 0.5 * ((y - t64("t1", "t2")) ** 2).sum()
        L.backward()
        oracle = {"y1": y[0].item(), "y2": y[1].item(), "L": L.item(), "dL/dw2_1_1": W2.grad[0, 0].item(),
                  "dL/dw1_1_1": W1.grad[0, 0].item(), "dL/dw1_2_2": W1.grad[1, 1].item(),
                  "w2_1_1'": float(v["w2_1_1"]) - 0.5 * W2.grad[0, 0].item()}
        for a in variant.answers:
            assert float(a.value) == pytest.approx(oracle[a.question.label], rel=1e-12, abs=1e-15)


def _conv1d(vary: dict, ask: dict) -> dict:
    text = symback.example_path("conv1d").read_text(encoding="utf-8")
    return {**tomllib.loads(text), "vary": vary, "ask": ask}


def test_variant_spec_of_a_conv_network_moves_each_named_entry():
    """[vary] on the built-in conv specs was an internal error ('PoolLayer' object cannot be interpreted as an integer)."""
    base = symback.load_example("conv2d_pool")
    names = list(leaf_values(base))
    assert {"x_1_1_1", "x_1_4_4", "t1", "k1_1_1_2_2", "b1_1", "w4_1_3", "b4_1"} <= set(names)
    moved = {name: sp.Rational(i + 1, 7) for i, name in enumerate(names)}
    graph = symback.build_graph(variant_spec(base, moved))
    assert all(graph.point[name] == value for name, value in moved.items())
    assert set(graph.inputs + graph.params) == set(names)


def test_conv_variants_against_exact_arithmetic():
    """A 3-tap kernel over 5 samples with K1, x and b1 drawn: L and the gradients by hand in exact fractions
    (z_i = Σ k_p x_(i+p) + b, L = ½ Σ (z_i - t_i)²)."""
    data = _conv1d({"K1": {"from": -1, "to": 1, "step": 0.25}, "x": {"from": -2, "to": 2, "step": 0.5},
                    "b1": {"choices": [0.1, -0.3]}, "digits": 4},
                   {"values": ["L"], "gradients": ["k1_1_1_1", "k1_1_1_3", "b1_1"]})
    check_vary(symback.spec_from_dict(data, source="conv.toml"))
    ex = symback.exercise(data, variants=3, seed=4)
    t = [1, 0, 2]
    for variant in ex.variants:
        v = {n: Fraction(str(x)) for n, x in variant.values.items()}
        assert set(v) == {f"x_1_{i}" for i in range(1, 6)} | {f"k1_1_1_{p}" for p in (1, 2, 3)} | {"b1_1"}
        z = [sum(v[f"k1_1_1_{p + 1}"] * v[f"x_1_{i + p + 1}"] for p in range(3)) + v["b1_1"] for i in range(3)]
        r = [zi - ti for zi, ti in zip(z, t)]
        oracle = {"L": sum(ri ** 2 for ri in r) / 2, "dL/db1_1": sum(r),
                  "dL/dk1_1_1_1": sum(r[i] * v[f"x_1_{i + 1}"] for i in range(3)),
                  "dL/dk1_1_1_3": sum(r[i] * v[f"x_1_{i + 3}"] for i in range(3))}
        for a in variant.answers:
            assert a.value == sp.Rational(oracle[a.question.label].numerator, oracle[a.question.label].denominator)


def test_variants_of_a_layers_list_network_against_torch():
    """[vary] on the batchnorm example (W1, gamma2 and x drawn): every variant's answers against torch autograd."""
    from layers_torch import torch_layers

    text = symback.example_path("batchnorm").read_text(encoding="utf-8")
    data = {**tomllib.loads(text), "vary": {"W1": {"from": -1, "to": 1, "step": 0.25}, "gamma2": {"choices": [0.5, 2]},
                                            "x": {"from": -2, "to": 2, "step": 0.5}},
            "ask": {"values": ["L"], "gradients": ["w1_2_1", "gamma2_2", "beta2_1", "w4_1_2"]}}
    check_vary(symback.spec_from_dict(data, source="bn.toml"))
    layers, net = data["network"]["layers"], data["network"]["values"]
    for variant in symback.exercise(data, variants=3, seed=2).variants:
        v = {n: float(x) for n, x in variant.values.items()}
        values = {**net, "x": [[v[f"x{k}_s{s}"] for k in (1, 2)] for s in (1, 2, 3)],
                  "W1": [[v[f"w1_{j}_{k}"] for k in (1, 2)] for j in (1, 2)], "gamma2": [v["gamma2_1"], v["gamma2_2"]]}
        loss, grads = torch_layers(layers, values, "half_sse")
        oracle = {"L": loss, **{f"dL/d{n}": g for n, g in grads.items()}}
        for a in variant.answers:
            assert float(a.value) == pytest.approx(oracle[a.question.label], rel=1e-10, abs=1e-12), a.question.label


def test_variants_of_a_sequence_network_against_torch():
    """[vary] on the rnn example (Wh1 and the sequence x drawn): every variant's answers against torch.nn.RNN."""
    from sequence_torch import torch_sequence

    text = symback.example_path("rnn").read_text(encoding="utf-8")
    data = {**tomllib.loads(text), "vary": {"Wh1": {"from": -1, "to": 1, "step": 0.25, "nonzero": True},
                                            "x": {"from": -1, "to": 1, "step": 0.5}},
            "ask": {"values": ["L", "h1_2_t2"], "gradients": ["wh1_1_2", "wx1_2_1", "x1_t1"]}}
    check_vary(symback.spec_from_dict(data, source="rnn.toml"))
    layers, net = data["network"]["layers"], data["network"]["values"]
    variants = symback.exercise(data, variants=3, seed=5).variants
    assert len({tuple(sorted(v.values.items())) for v in variants}) == 3
    for variant in variants:
        v = {n: float(x) for n, x in variant.values.items()}
        values = {**net, "x": [[v[f"x1_t{t}"]] for t in (1, 2, 3)],
                  "Wh1": [[v[f"wh1_{j}_{k}"] for k in (1, 2)] for j in (1, 2)]}
        loss, grads = torch_sequence(layers, values, "half_sse")
        oracle = {"L": loss, **{f"dL/d{n}": g for n, g in grads.items()}}
        for a in variant.answers:
            if a.question.label in oracle:
                assert float(a.value) == pytest.approx(oracle[a.question.label], rel=1e-10, abs=1e-12), a.question.label
        assert {a.question.label for a in variant.answers} >= {"L", "dL/dwh1_1_2", "dL/dwx1_2_1", "dL/dx1_t1"}
