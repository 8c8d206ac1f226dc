"""The matrix (layer-level) view of each kind of network, registered in one place.

:data:`NETWORK_VIEWS` maps a network spec's type to what derives its view: a network of layer sizes the
BP1-BP4 matrix form (:func:`symback.engine.matrix.dense_matrix_form`), a layers list each layer's own
identity (:func:`~symback.engine.layer_level.layers_form`); a convolutional network is refused, naming where
its layer-level identities are. :func:`matrix_form` asks the registry (the compiled programs are registered
the same way in :mod:`symback.engine.network_programs`).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from symback.engine.compile import check_convention
from symback.engine.conv_spec import ConvNetworkSpec
from symback.engine.errors import SymbackError
from symback.engine.layer_level import LayersForm, layers_form
from symback.engine.layers import LayersSpec
from symback.engine.matrix import dense_matrix_form
from symback.engine.matrix_layers import MatrixForm
from symback.engine.spec import NetworkSpec

if TYPE_CHECKING:
    from symback.engine.solution import Solution


def _layers_matrix(solution: "Solution", convention: str) -> LayersForm:
    graph = solution.graph
    try:
        return layers_form(solution.spec.network, solution.numbers, graph.conventions, convention,
                           graph.learning_rate if graph.optimizer is None else None, graph.frozen)
    except SymbackError as exc:  # a layer kind without a layer-level form: name the spec it is in
        raise exc.located(solution.spec.source) from None


def _conv_matrix(solution: "Solution", convention: str) -> MatrixForm:
    raise SymbackError(solution.spec.source, "the matrix view covers dense networks and layers lists, not convolution",
                       "use --view neuron; a convolution's layer-level identities are in its worked solution")


#: network spec type -> ``matrix(solution, convention)`` of its view (the only place that names them)
NETWORK_VIEWS: dict[type, Callable[["Solution", str], MatrixForm | LayersForm]] = {
    NetworkSpec: dense_matrix_form,
    LayersSpec: _layers_matrix,
    ConvNetworkSpec: _conv_matrix,
}


def matrix_form(solution: "Solution", convention: str = "row") -> MatrixForm | LayersForm:
    """The layer-level derivation of a solved network spec, checked entry by entry against it.

    Args:
        solution: a solved network spec (``symback.solve``); a graph spec raises :class:`SymbackError`.
        convention: ``"row"`` (samples are rows, seed 003) or ``"column"`` (Nielsen, seed 002).

    >>> import symback
    >>> form = matrix_form(symback.solve(symback.load_example("softmax_233")))
    >>> form.shapes()["W1"], form.consistent
    ((2, 3), True)
    """
    check_convention(convention)
    if solution.spec.network is None:
        raise SymbackError(solution.spec.source, "the matrix view needs a [network] spec", "use --view neuron for a graph")
    return NETWORK_VIEWS[type(solution.spec.network)](solution, convention)

