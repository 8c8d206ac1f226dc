"""Are two expressions equal? Numeric probes first, then a proof in a child process under a time budget.

Probing (mpmath, 40 digits or more, claimed decimals held as exact rationals) decides "wrong" quickly
and with a counterexample. The probes scale to the claim (:func:`precision`, :func:`scales`): a formula
with a constant 10^-30 is probed at 40 + 30 digits, and one with 1000 also at points of size 1000, so
``step(x - 1000)`` meets its threshold; a difference that SymPy evaluates to a nonzero number
(``x + 10^-100`` against ``x``) is wrong whatever the probes say (:func:`exact_difference`). "proved" needs a SymPy proof, which runs in a forked child process that is
killed when its budget runs out: then the verdict is "numeric" (equal at every probe, unproved).
A proof's budget is also cut to what is left of the command's (:mod:`symback.engine.limits`), so
all proofs together stay within ``--budget``. The child dies with its parent (``PR_SET_PDEATHSIG``),
on SIGTERM, and by the kernel's SIGALRM a second after its budget, whatever the parent does.
Nothing here hangs, and nothing is called proved without a proof.
"""
from __future__ import annotations

import math
import multiprocessing
import os
import signal
import sys
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Callable, Iterable, Mapping, Sequence

import mpmath
import sympy as sp

from symback.engine import limits
from symback.engine.functions import MPMATH_NAMESPACE
from symback.engine.numerals import number_text

PROVED, NUMERIC, WRONG, UNDECIDED = "proved", "numeric", "wrong", "undecided"
DEFAULT_BUDGET = 5.0     #: seconds for one proof attempt (``--timeout``)
PROBE_DPS = 40           #: working precision of the probes
MIN_POINTS = 4           #: probe points that must be defined on both sides before "equal" is believed
MAX_DPS = 2000           #: the most digits a probe works at (a constant 10^-1000 needs 1540)
CHILD_MEMORY = 2 << 30   #: extra address space a proof may take (bytes) before it is stopped
MAX_ARGUMENT_BITS = 4096  #: exp, sin, cos, tan at |x| >= 2^4096 (mpmath reduces such an x at thousands of
                          #: digits: 2^10^6 took 26 s): the probe point counts as undefined
PROOF_RESERVE = 1.0      #: seconds of the command's budget kept for the rest of the command, after the proofs
MAX_SCALES = 4           #: probe sizes beyond the unit ones (the powers of ten of the constants: step(x - 1000))
PROGRAMS = 4096          #: compiled mpmath functions kept per process (lambdify_mp)

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


def lambdify_mp(args: Sequence[sp.Symbol], expr: sp.Expr, namespace: Mapping[str, Callable] | None = None) -> Callable:
    """``expr`` as an mpmath function of ``args`` (symback's functions included, and ``namespace``'s first).

    exp, sin, cos, tan and the functions built on exp refuse an argument of more than
    :data:`MAX_ARGUMENT_BITS` bits (OverflowError: the probe point counts as undefined). Without a
    ``namespace`` the function is compiled once per process and (args, expr) (:data:`PROGRAMS` kept):
    grading compiled the same nodes, locals and mutations again for every variant and row.
    """
    if namespace:
        return sp.lambdify(list(args), expr, modules=[dict(namespace), _BOUNDED, MPMATH_NAMESPACE, "mpmath"])
    return _compiled(tuple(args), expr)


@lru_cache(maxsize=PROGRAMS)
def _compiled(args: tuple[sp.Symbol, ...], expr: sp.Expr) -> Callable:
    return sp.lambdify(list(args), expr, modules=[_BOUNDED, MPMATH_NAMESPACE, "mpmath"])


def _bounded(function: Callable) -> Callable:
    def bounded(x, *rest):
        if mpmath.mag(x) > MAX_ARGUMENT_BITS:
            raise OverflowError("the argument is too large to probe")
        return function(x, *rest)
    return bounded


_BOUNDED = {name: _bounded(getattr(mpmath, name)) for name in ("exp", "sin", "cos", "tan")}
_BOUNDED.update({name: _bounded(MPMATH_NAMESPACE[name]) for name in ("sigmoid", "softplus")})


def real(value, dps: int = PROBE_DPS) -> mpmath.mpf | None:
    """``value`` as a finite real mpf, or None (undefined, complex, infinite)."""
    try:
        if isinstance(value, mpmath.mpc):
            if abs(value.imag) > mpmath.mpf(10) ** (-dps // 2) * max(1, abs(value.real)):
                return None
            value = value.real
        value = mpmath.mpf(value)
    except (TypeError, ValueError):
        return None
    return value if mpmath.isfinite(value) else None


def close(a: mpmath.mpf, b: mpmath.mpf, dps: int = PROBE_DPS) -> bool:
    """Equal to within the probes' precision (relative, with an absolute floor near zero)."""
    return abs(a - b) <= _tolerance(dps) * max(1, abs(a), abs(b))


@lru_cache(maxsize=64)
def _tolerance(dps: int) -> mpmath.mpf:
    """10^-(2/3 dps), the relative tolerance of :func:`close` (a power per comparison was most of its time)."""
    with mpmath.workdps(dps + 10):
        return mpmath.mpf(10) ** (-(dps * 2 // 3))


def call(function: Value, point: Point, dps: int = PROBE_DPS) -> mpmath.mpf | None:
    """``function(point)`` as a real number, or None where it is undefined there."""
    try:
        with mpmath.workdps(dps):
            return real(function(point), dps)
    except (ZeroDivisionError, ValueError, OverflowError, TypeError, ArithmeticError):
        return None


def _constants(exprs: Iterable[sp.Expr]) -> list[sp.Expr]:
    """The nonzero numbers written in ``exprs`` other than ±1 (and the arguments' exponents)."""
    found = set()
    for expr in exprs:
        found |= {abs(n) for n in sp.sympify(expr).atoms(sp.Number) if n.is_finite and n != 0 and abs(n) != 1}
    return sorted(found, key=lambda n: (n.q, n.p) if n.is_Rational else (0, 0))


def _decade(number: sp.Expr) -> int:
    """The power of ten of ``number`` (|number| ~ 10^decade), without building it as a float."""
    if number.is_Rational:
        return len(str(abs(number.p))) - len(str(number.q))
    with mpmath.workdps(20):
        return int(mpmath.floor(mpmath.log10(abs(mpmath.mpf(sp.Float(number, 20)._mpf_)))))


def precision(*exprs: sp.Expr) -> int:
    """The digits to probe ``exprs`` at: :data:`PROBE_DPS` plus 3/2 of the decades their constants
    span, so that ``x + 10^-30`` and ``x`` differ by more than :func:`close`'s tolerance (2/3 of the
    digits) allows (at most :data:`MAX_DPS`).

    >>> precision(sp.Symbol("x") + sp.Rational(1, 10**30)), precision(sp.Symbol("x") + 2)
    (85, 40)
    """
    spread = max((abs(_decade(c)) for c in _constants(exprs)), default=0)
    return min(PROBE_DPS + (3 * spread + 1) // 2, MAX_DPS)


def scales(*exprs: sp.Expr) -> list[sp.Rational]:
    """Sizes of probe points beyond the unit ones: the powers of ten of the constants of ``exprs``, the
    first :data:`MAX_SCALES` (``step(x - 1000)`` is probed with x near ±1000 too; ``10^-30 x`` near 10^-30)."""
    decades = sorted({_decade(c) for c in _constants(exprs)} - {0})
    return [sp.Integer(10) ** d for d in decades[:MAX_SCALES]]


def exact_difference(left: sp.Expr, right: sp.Expr) -> sp.Expr | None:
    """``left - right`` when SymPy evaluates it to a nonzero number (never "equal", whatever the probes say).

    >>> x = sp.Symbol("x")
    >>> exact_difference(x + sp.Rational(1, 10**100), x) == sp.Rational(1, 10**100), exact_difference(2 * x, x + x)
    (True, None)
    """
    difference = left - right
    return difference if difference.is_Number and difference != 0 else None


def short(number: sp.Expr) -> str:
    """An exact number for a message: as SymPy writes it when short, else to 6 digits (``-1e-100``)."""
    text = sp.sstr(number)
    return text if len(text) <= 24 else number_text(number)


def exactly_different(difference: sp.Expr, left: Value, right: Value, points: Iterable[Point], dps: int,
                      count: int) -> Comparison:
    """The verdict on two sides equal at ``count`` probes that differ by the nonzero number ``difference``
    (:func:`exact_difference`): wrong, at the first point where both are defined, the constant as the slip."""
    slip = ("slip.constant", {"value": short(difference)})
    for point in points:
        a, b = call(left, point, dps), call(right, point, dps)
        if a is not None and b is not None:
            return Comparison(WRONG, dict(point), a, b, slip, count)
    return Comparison(WRONG, {}, None, None, slip, count)


def probe(left: Value, right: Value, points: Iterable[Point],
          variants: Sequence[tuple[object, Value]] = (), dps: int = PROBE_DPS) -> Comparison:
    """Compare ``left`` and ``right`` at ``points``; ``numeric`` if equal everywhere, else ``wrong``.

    ``variants`` are alternative left sides (a sign flipped, a factor left out, two names
    swapped); the first that equals ``right`` at every point names the likely slip. ``dps``: the
    working digits (:func:`precision` of the two sides).

    >>> probe(lambda p: 2 * p["x"], lambda p: p["x"] + p["x"], [{"x": 1}, {"x": 3}] * 2).verdict
    'numeric'
    """
    with mpmath.workdps(dps):  # differences and ratios of 40-digit values, not at the default 15
        seen: list[tuple[Point, mpmath.mpf, mpmath.mpf]] = []
        wrong = None
        for point in points:
            a, b = call(left, point, dps), call(right, point, dps)
            if a is None or b is None:
                continue
            seen.append((point, a, b))
            if wrong is None and not close(a, b, dps):
                wrong = (point, a, b)
        if wrong is None:
            return Comparison(NUMERIC if len(seen) >= MIN_POINTS else UNDECIDED, points=len(seen))
        point, a, b = wrong
        return Comparison(WRONG, dict(point), a, b, _slip(seen, variants, dps), len(seen))


def _slip(seen, variants, dps: int = PROBE_DPS):
    """What turns the left side into the right one at every probe: a variant, a constant factor or term.

    Returns a message key of the ``[verify]`` catalogue and its arguments, or None.
    """
    if len(seen) > 1 and all(close(a, -b, dps) for _, a, b in seen) and any(b != 0 for _, _, b in seen):
        return ("slip.sign", {})  # the simplest explanation first
    for detail, variant in variants:
        if all((v := call(variant, p, dps)) is not None and close(v, b, dps) for p, _, b in seen):
            return detail
    nonzero = [(a, b) for _, a, b in seen if b != 0]
    if len(nonzero) > 1 and all(a == 0 for _, a, b in seen if b == 0):
        ratios = [a / b for a, b in nonzero]
        if all(close(r, ratios[0], dps) for r in ratios) and ratios[0] != 0:
            factor = _nice(ratios[0])
            return ("slip.sign", {}) if factor == "-1" else ("slip.factor", {"factor": factor})
    differences = [a - b for _, a, b in seen]
    if len(seen) > 1 and all(close(d, differences[0], dps) for d in differences):
        return ("slip.constant", {"value": _nice(differences[0])})
    return None


def _nice(value: mpmath.mpf) -> str:
    """A short form of a number: a small fraction when it is one, else 6 significant digits."""
    if value != 0 and not 1e-9 < abs(value) < 1e12:  # beyond a float's comfortable range: never "0"
        return number_text(value)
    fraction = Fraction(float(value)).limit_denominator(1000)
    if abs(float(value) - fraction) <= 1e-12 * max(1.0, abs(float(value))):
        return str(fraction)
    return number_text(value)


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
    budget = min(budget, limits.remaining() - PROOF_RESERVE)  # all proofs stay within the command's budget
    if budget <= 0:
        return False
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_prove_in_child, args=(send, difference, os.getpid(), budget), daemon=True)
    try:
        with limits.held_signals():  # no signal between forking the child and holding its handle
            child.start()
        send.close()
        if receive.poll(budget):
            return bool(receive.recv())
        return False
    except (EOFError, OSError):  # the child died (memory limit) without an answer
        return False
    finally:
        if child.pid is not None:
            if child.is_alive():
                child.kill()
            child.join()
        receive.close()


#: simplifications tried in turn on a difference, cheap first; the first to reach 0 proves it
ATTEMPTS = (sp.expand, lambda d: sp.cancel(sp.together(d)), sp.simplify,
            lambda d: sp.simplify(d.rewrite(sp.exp)), lambda d: sp.simplify(sp.expand(d.rewrite(sp.exp))),
            lambda d: sp.simplify(sp.piecewise_fold(d.rewrite(sp.Piecewise))))  # ReLU', step, Indicator


def _prove_in_child(connection, difference: sp.Expr, parent: int, budget: float) -> None:
    """Try cheap then expensive simplifications of ``difference``; send True if one reaches 0.

    The child dies with its parent (``PR_SET_PDEATHSIG``) and, whatever the parent does, by the
    kernel's SIGALRM one second after its budget: it never outlives ``--timeout``.
    """
    limits.default_signals()
    limits.die_with_parent(parent)
    signal.alarm(int(math.ceil(budget)) + 1)
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
