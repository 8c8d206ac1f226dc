r"""The notation of a lecture on backpropagation, as objects the one printer prints.

A document says *what* it writes (a partial derivative, a neuron's δ, a layer's weight matrix or
bias, a matrix with its shape) and :func:`symback.documents.printing.latex` writes it: each choice
(the layer as a parenthesized superscript, a sample as a bracketed one, a shared bias as
``b_{l}``) is made once, in :mod:`symback.documents.notation_printing`.

===============================================  ===============================================
object                                           LaTeX
===============================================  ===============================================
``Partial("L", "w1")``                           ``\frac{\partial L}{\partial w_{1}}``
``Partial("L", "z1_2", slash="/")``              ``\partial L/\partial z^{(1)}_{2}`` (a heading)
``Layered("W", 2)``, ``Layered("z", "l", "j")``  ``W^{(2)}``, ``z^{(l)}_{j}``
``Delta(1, 2, 3)``, ``Delta("l", "j", "x")``     ``\delta^{(1)[3]}_{2}`` (sample 3), ``\delta^{x,(l)}_{j}``
``Bias(2, True)``, ``Bias(2, False, "j")``       ``b_{2}`` (one per layer), ``b^{(2)}_{j}`` (per neuron)
``Activation(0, 2)``, ``Activation(1, 2, "j")``  ``X``, ``a^{(1)}_{j}`` (the output: ``Y``, ``y_{j}``)
``WeightEntry(2, "row")``                        ``W^{(2)}_{k,j}`` (column form: ``W^{(2)}_{j,k}``)
``Transposed(x)``, ``Updated(x)``                ``{x}^{\top}``, ``{x}'``
``Moment("m", x)``, ``Moment("v", x, True)``     ``m_{x}``, ``\hat{v}_{x}`` (an update rule's state)
``Shaped(x, 2, 3)``                              ``\underset{2 \times 3}{x}``
``Entries(rows, 4)``                             ``\begin{bmatrix} ... \end{bmatrix}``, numbers to 4 digits
``Call(head, (x,))``, ``Bracketed(x)``           ``head\left(x\right)``, ``\left(x\right)``
``Summed(("x", "j"), (a, b))``                   ``\sum_{x} \sum_{j} a b``
``Fraction(2, 4)``, ``Power(10, -8)``            ``\frac{2}{4}`` (as written), ``10^{-8}``
``Gradient("L", Layered("Z", 2))``, ``Norm(x)``   ``\nabla_{Z^{(2)}} L``, ``\left\lVert x \right\rVert``
===============================================  ===============================================

A part that is a plain ``str`` is a name, printed by the name rules (:mod:`symback.documents.latex_names`)
or the printer's ``names`` setting; a :class:`~symback.documents.tex.Tex` (printed LaTeX) is kept as
it is; an ``int`` is its digits; anything else is printed. :data:`ETA`, :data:`ONES` and
:data:`SIGMA_PRIME` are the learning rate, a vector of ones and an activation's derivative.
:func:`dotted` and :func:`factor` write out a product of printed pieces (``0.5 \cdot \left(-2\right)``):
joins, kept out of the printer, which a worked solution does thousands of times.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence, Union

import sympy as sp

from symback.documents.tex import Tex

ETA = Tex(r"\eta")                  #: the learning rate
ONES = Tex(r"\mathbf{1}")           #: a vector of ones
SIGMA_PRIME = Tex(r"\sigma'")       #: an activation's derivative, applied entry by entry

Index = Union[int, str]  #: a number, or a letter of the lecture's general form ("l", "l+1", "j")
Part = Any               #: a name (str), printed LaTeX (Tex), an int, a notation object or a SymPy expression


@dataclass(frozen=True)
class Partial:
    """∂top/∂bottom as a fraction, or with ``slash`` (``"/"`` or ``" / "``) on one line."""

    top: Part
    bottom: Part
    slash: str | None = None


@dataclass(frozen=True)
class Layered:
    r"""A quantity of layer ``layer``: a neuron's ``z^{(l)}_{j}``, ``w^{(l)}_{j,k}``, or a layer's matrix ``W^{(l)}``.

    ``stem`` is a name (``"z"``, ``"delta"``, ``"W"``) or printed LaTeX (``\tilde X``); ``layer`` a number,
    a letter, ``"l+1"`` or None; ``index`` one index or a tuple of them; ``sample`` a sample's number
    (superscript ``[3]``, as the names' ``_s3``) or the letter of the samples summed over (``x,`` before
    the layer).
    """

    stem: str
    layer: Index | None = None
    index: Index | tuple[Index, ...] = ()
    sample: Index | None = None


@dataclass(frozen=True)
class Delta:
    r"""A neuron's error signal δ = ∂L/∂z, ``\delta^{(l)}_{j}``; a layer's (no ``index``) ``\delta^{(l)}``."""

    layer: Index
    index: Index | None = None
    sample: Index | None = None


@dataclass(frozen=True)
class Bias:
    r"""Layer ``layer``'s bias: ``b_{l}`` when its neurons share it (the spec's ``b<l>``), else ``b^{(l)}``
    (the row of ``b<l>_<j>``) and neuron ``index``'s ``b^{(l)}_{j}``; a shared bias has no index."""

    layer: Index
    shared: bool
    index: Index | None = None


@dataclass(frozen=True)
class Activation:
    r"""The values of layer ``layer`` of a ``depth``-layer network: the input ``X``, the output ``Y``,
    ``A^{(l)}`` between; with an ``index``, a neuron's ``x_{k}``, ``y_{j}``, ``a^{(l)}_{j}``."""

    layer: int
    depth: int
    index: Index | None = None


@dataclass(frozen=True)
class WeightEntry:
    r"""The entry of ``W^{(l)}`` that holds the spec's ``w<l>_<j>_<k>``: ``W^{(l)}_{k,j}`` in the row convention
    (samples are rows, ``Z = X W``), ``W^{(l)}_{j,k}`` in the column convention (``z = W a``); ``updated``:
    that entry of the updated matrix, ``{W^{(l)}}'_{k,j}``."""

    layer: Index
    convention: str
    updated: bool = False


@dataclass(frozen=True)
class Transposed:
    r"""``{x}^{\top}`` (a ``bmatrix`` takes the ``^`` without braces)."""

    of: Part


@dataclass(frozen=True)
class Updated:
    """``{x}'``: a parameter after the update."""

    of: Part


@dataclass(frozen=True)
class Moment:
    r"""An update rule's state for parameter ``of``: ``"m"`` (Adam's first moment) or ``"v"`` (momentum's velocity,
    Adam's second moment), ``m_{w}``; ``corrected``: Adam's bias-corrected ``\hat{m}_{w}``."""

    kind: str
    of: Part
    corrected: bool = False


@dataclass(frozen=True)
class Shaped:
    r"""``\underset{rows \times cols}{x}``: a matrix symbol with its shape written under it."""

    of: Part
    rows: int
    cols: int


@dataclass(frozen=True, eq=False)
class Entries:
    """A ``bmatrix`` of numbers rounded to ``digits`` significant digits (``rows``: a tuple of rows).

    Not hashable: a matrix of numbers is printed where it stands, never kept (a batch's are large).
    """

    rows: tuple[tuple[Any, ...], ...]
    digits: int

    __hash__ = None  # type: ignore[assignment]

    @classmethod
    def of(cls, matrix: sp.MatrixBase, digits: int) -> "Entries":
        """The entries of a SymPy matrix."""
        return cls(tuple(tuple(matrix[i, j] for j in range(matrix.cols)) for i in range(matrix.rows)), digits)

    @classmethod
    def column(cls, values: Sequence[Any], digits: int) -> "Entries":
        """A column vector of ``values``."""
        return cls(tuple((v,) for v in values), digits)


@dataclass(frozen=True)
class Call:
    r"""``head\left(args\right)``: a function (a name such as ``E``, or printed LaTeX such as ``\sigma'``) applied."""

    head: Part
    args: tuple[Part, ...]


@dataclass(frozen=True)
class Bracketed:
    r"""``\left(x\right)``."""

    of: Part


@dataclass(frozen=True)
class Summed:
    r"""``\sum_{x} \sum_{j} a b``: the factors of ``body`` side by side, summed over each of ``over``."""

    over: tuple[Index, ...]
    body: tuple[Part, ...]


@dataclass(frozen=True)
class Fraction:
    r"""``\frac{top}{bottom}`` as written (2/4 stays: the lecture's 2/n at n = 4)."""

    top: Part
    bottom: Part


@dataclass(frozen=True)
class Power:
    """``base^{exponent}`` as written (``10^{-8}``, where SymPy writes 1/10^8)."""

    base: Part
    exponent: Part


@dataclass(frozen=True)
class Gradient:
    r"""``\nabla_{wrt} of``, or ``\nabla of`` (``wrt`` None)."""

    of: Part
    wrt: Part = None


@dataclass(frozen=True)
class Norm:
    r"""``\left\lVert x \right\rVert``."""

    of: Part


def dotted(*factors: str) -> Tex:
    r"""Printed factors joined by ``\cdot``: a product written out, as a worked solution does with numbers.

    >>> print(dotted(Tex("0.5"), factor(Tex("- 2"), sp.Integer(-2))))
    0.5 \cdot \left(- 2\right)
    """
    return Tex(r" \cdot ".join(factors))


def factor(tex: str, expr: sp.Expr) -> Tex:
    """The printed ``expr`` as a factor of a :func:`dotted` product: a sum or a negative in brackets."""
    return Tex(r"\left(%s\right)" % tex) if expr.is_Add or expr.could_extract_minus_sign() else Tex(tex)
