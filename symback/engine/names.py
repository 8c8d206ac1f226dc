"""The stable names of a network's inputs, targets, parameters and neurons (README "Network names").

A network spec (``symback.engine.spec.NetworkSpec``) is read only through its ``layers`` and
``bias`` here, so the spec reader and the graph builder can both use these names.
"""
from __future__ import annotations

#: the Greek letters a name may be (``eta``, ``delta1``) and LaTeX writes as ``\eta``: the documents print
#: them so, and the LaTeX reader reads ``\eta`` back as the name ``eta``
GREEK = frozenset(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi "
    "pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega "
    "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega".split())


def sample_suffix(m: int, s: int) -> str:
    """The name suffix of sample ``s`` (0-based) of ``m``: none for a single sample, else ``_s1``, ``_s2``, ..."""
    return "" if m == 1 else f"_s{s + 1}"


def input_name(k: int, suffix: str = "") -> str:
    return f"x{k}{suffix}"


def target_name(j: int, suffix: str = "") -> str:
    return f"t{j}{suffix}"


def pre_activation_name(l: int, j: int, suffix: str = "") -> str:
    return f"z{l}_{j}{suffix}"


def activation_name(l: int, j: int, depth: int, suffix: str = "") -> str:
    """Neuron j of layer l after its activation: ``y<j>`` in the output layer (l = depth), else ``a<l>_<j>``."""
    return f"y{j}{suffix}" if l == depth else f"a{l}_{j}{suffix}"


def weight_name(l: int, j: int, k: int) -> str:
    return f"w{l}_{j}_{k}"


def bias_name(net, l: int, j: int) -> str | None:
    if net.bias == "none":
        return None
    return f"b{l}" if net.bias == "shared" else f"b{l}_{j}"


def parameter_names(net) -> list[str]:
    """Every parameter name of the network, layer by layer (weights, then biases)."""
    return [name for l in range(1, len(net.layers)) for name in dense_layer_parameters(net, l)]


def dense_layer_parameters(net, l: int) -> list[str]:
    """The parameter names of layer ``l``: its weights row by row (neuron j, then input k), then its biases."""
    names = [weight_name(l, j, k) for j in range(1, net.layers[l] + 1) for k in range(1, net.layers[l - 1] + 1)]
    return names + list(dict.fromkeys(b for j in range(1, net.layers[l] + 1) if (b := bias_name(net, l, j))))
