"""The one registry of activations: every name a network layer or a formula may use, and what it builds.

Each entry is a function class of :mod:`symback.engine.functions` (it registers itself by being defined
with a ``spec_name``) or, for the two activations symback does not define as classes, SymPy's ``tanh``
and the identity, a :class:`Borrowed` entry with the same attributes. The parser's function table
(:data:`symback.engine.expr.FUNCTIONS`), the reserved names and the spec readers' checks are derived
from :data:`ACTIVATIONS`; a layer applies one by ``ACTIVATIONS[name].activate(z, zs, j)``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sympy as sp

from symback.engine.functions import TABLED


@dataclass(frozen=True)
class Borrowed:
    """An activation symback does not define as a class: SymPy's ``tanh``, and the identity.

    It registers as the classes do (``spec_name``, ``formula``, ``arities``, ``layerwise``,
    ``activate``); ``math`` and ``mpmath`` know ``tanh`` themselves, and the identity leaves no call.
    """

    spec_name: str
    formula: Callable[[sp.Expr], sp.Expr]
    arities: tuple[int, ...] = (1,)
    layerwise: bool = False

    def activate(self, z: sp.Expr, zs: list[sp.Expr] | None = None, j: int = 1) -> sp.Expr:
        return self.formula(z)


#: every activation a network layer or a formula may name, registered once: spec name -> its class, or
#: the :class:`Borrowed` entry of SymPy's tanh and of the identity
ACTIVATIONS: dict[str, type[sp.Function] | Borrowed] = {
    **{function.spec_name: function for function in TABLED if function.spec_name is not None},
    **{borrowed.spec_name: borrowed for borrowed in (Borrowed("tanh", sp.tanh), Borrowed("identity", lambda z: z))},
}
