"""Are two expressions equal? Numeric probes first, then a proof in a child process under a time budget.

Probing (mpmath, 40 digits, claimed decimals held as exact rationals) decides "wrong" quickly and
with a counterexample. "proved" needs a SymPy proof, which runs in a forked child process that is
killed when its budget runs out: then the verdict is "numeric" (equal at every probe, unproved).
Nothing here hangs, and nothing is called proved without a proof.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Iterable, Mapping, Sequence

import mpmath
import sympy as sp

from symback.engine.functions import MPMATH_NAMESPACE

PROVED, NUMERIC, WRONG, UNDECIDED = "proved", "numeric", "wrong", "undecided"
DEFAULT_BUDGET = 5.0     #: seconds for one proof attempt (``--timeout``)
PROBE_DPS = 40           #: working precision of the probes
MIN_POINTS = 4           #: probe points that must be defined on both sides before "equal" is believed
CHILD_MEMORY = 2 << 30   #: extra address space a proof may take (bytes) before it is stopped

Point = Mapping[str, object]
Value = Callable[[Point], object]


@dataclass(frozen=True)
class Comparison:
    """The outcome of comparing a left side with a right side."""

    verdict: str                                   #: proved, numeric, wrong or undecided
    point: Mapping[str, object] = field(default_factory=dict)  #: the counterexample (wrong)
    left: object = None                            #: the left side's value there
    right: object = None                           #: the right side's value there
    slip: tuple | None = None                      #: the likely slip (message key, arguments), if one explains it
    points: int = 0                                #: probe points where both sides were defined


def lambdify_mp(args: Sequence[sp.Symbol], expr: sp.Expr) -> Callable:
    """``expr`` as an mpmath function of ``args`` (symback's functions included)."""
    return sp.lambdify(list(args), expr, modules=[MPMATH_NAMESPACE, "mpmath"])


def real(value) -> mpmath.mpf | None:
    """``value`` as a finite real mpf, or None (undefined, complex, infinite)."""
    try:
        if isinstance(value, mpmath.mpc):
            if abs(value.imag) > mpmath.mpf(10) ** (-PROBE_DPS // 2) * max(1, abs(value.real)):
                return None
            value = value.real
        value = mpmath.mpf(value)
    except (TypeError, ValueError):
        return None
    return value if mpmath.isfinite(value) else None


def close(a: mpmath.mpf, b: mpmath.mpf) -> bool:
    """Equal to within the probes' precision (relative, with an absolute floor near zero)."""
    return abs(a - b) <= mpmath.mpf(10) ** (-(PROBE_DPS * 2 // 3)) * max(1, abs(a), abs(b))


def call(function: Value, point: Point) -> mpmath.mpf | None:
    """``function(point)`` as a real number, or None where it is undefined there."""
    try:
        with mpmath.workdps(PROBE_DPS):
            return real(function(point))
    except (ZeroDivisionError, ValueError, OverflowError, TypeError, ArithmeticError):
        return None


def probe(left: Value, right: Value, points: Iterable[Point],
          variants: Sequence[tuple[object, Value]] = ()) -> Comparison:
    """Compare ``left`` and ``right`` at ``points``; ``numeric`` if equal everywhere, else ``wrong``.

    ``variants`` are alternative left sides (a sign flipped, a factor left out, two names
    swapped); the first that equals ``right`` at every point names the likely slip.

    >>> probe(lambda p: 2 * p["x"], lambda p: p["x"] + p["x"], [{"x": 1}, {"x": 3}] * 2).verdict
    'numeric'
    """
    with mpmath.workdps(PROBE_DPS):  # differences and ratios of 40-digit values, not at the default 15
        seen: list[tuple[Point, mpmath.mpf, mpmath.mpf]] = []
        wrong = None
        for point in points:
            a, b = call(left, point), call(right, point)
            if a is None or b is None:
                continue
            seen.append((point, a, b))
            if wrong is None and not close(a, b):
                wrong = (point, a, b)
        if wrong is None:
            return Comparison(NUMERIC if len(seen) >= MIN_POINTS else UNDECIDED, points=len(seen))
        point, a, b = wrong
        return Comparison(WRONG, dict(point), a, b, _slip(seen, variants), len(seen))


def _slip(seen, variants):
    """What turns the left side into the right one at every probe: a variant, a constant factor or term.

    Returns a message key of the ``[verify]`` catalogue and its arguments, or None.
    """
    if len(seen) > 1 and all(close(a, -b) for _, a, b in seen) and any(b != 0 for _, _, b in seen):
        return ("slip.sign", {})  # the simplest explanation first
    for detail, variant in variants:
        if all((v := call(variant, p)) is not None and close(v, b) for p, _, b in seen):
            return detail
    nonzero = [(a, b) for _, a, b in seen if b != 0]
    if len(nonzero) > 1 and all(a == 0 for _, a, b in seen if b == 0):
        ratios = [a / b for a, b in nonzero]
        if all(close(r, ratios[0]) for r in ratios) and ratios[0] != 0:
            factor = _nice(ratios[0])
            return ("slip.sign", {}) if factor == "-1" else ("slip.factor", {"factor": factor})
    differences = [a - b for _, a, b in seen]
    if len(seen) > 1 and all(close(d, differences[0]) for d in differences):
        return ("slip.constant", {"value": _nice(differences[0])})
    return None


def _nice(value: mpmath.mpf) -> str:
    """A short form of a number: a small fraction when it is one, else 6 significant digits."""
    fraction = Fraction(float(value)).limit_denominator(1000)
    if abs(float(value) - fraction) <= 1e-12 * max(1.0, abs(float(value))):
        return str(fraction)
    return mpmath.nstr(value, 6)


def prove_equal(left: sp.Expr, right: sp.Expr, budget: float = DEFAULT_BUDGET) -> bool:
    """True when SymPy proves ``left == right`` within ``budget`` seconds (in a child process).

    False means "not proved", never "different": use :func:`probe` for that.

    >>> from symback.engine.functions import sigmoid
    >>> x = sp.Symbol("x", real=True)
    >>> prove_equal(sigmoid(x) * (1 - sigmoid(x)), sp.exp(-x) / (1 + sp.exp(-x))**2, budget=20)
    True
    """
    difference = left - right
    if difference == 0:
        return True
    if budget <= 0:
        return False
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_prove_in_child, args=(send, difference), daemon=True)
    child.start()
    send.close()
    try:
        if receive.poll(budget):
            return bool(receive.recv())
        return False
    except (EOFError, OSError):  # the child died (memory limit) without an answer
        return False
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receive.close()


#: simplifications tried in turn on a difference, cheap first; the first to reach 0 proves it
ATTEMPTS = (sp.expand, lambda d: sp.cancel(sp.together(d)), sp.simplify,
            lambda d: sp.simplify(d.rewrite(sp.exp)), lambda d: sp.simplify(sp.expand(d.rewrite(sp.exp))),
            lambda d: sp.simplify(sp.piecewise_fold(d.rewrite(sp.Piecewise))))  # ReLU', step, Indicator


def _prove_in_child(connection, difference: sp.Expr) -> None:
    """Try cheap then expensive simplifications of ``difference``; send True if one reaches 0."""
    _limit_memory()
    proved = False
    try:
        expr = difference.doit() if difference.has(sp.Derivative, sp.Subs) else difference
    except Exception:  # a derivative SymPy cannot do: not proved
        expr = None
    for attempt in ATTEMPTS if expr is not None else ():
        try:
            if attempt(expr) == 0:
                proved = True
                break
        except Exception:  # one failed simplification (a PolynomialError in cancel) does not stop the next
            continue
    connection.send(proved)
    connection.close()


def _limit_memory() -> None:
    """Cap the child's address space at its current size plus :data:`CHILD_MEMORY`."""
    try:
        import resource

        with open("/proc/self/statm") as statm:
            current = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (current + CHILD_MEMORY, resource.RLIM_INFINITY))
    except (ImportError, OSError, ValueError):
        pass
