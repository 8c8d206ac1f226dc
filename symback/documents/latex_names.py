r"""The LaTeX of a name: the rules by which ``w2_1_3`` is written :math:`w^{(2)}_{1,3}`.

:class:`symback.documents.printing.SymbackLatexPrinter` prints every symbol by these rules (its
``names`` setting overrides any of them with explicit LaTeX); the notation of
:mod:`symback.documents.notation` writes its quantities with the same :func:`script`.

=======================  ===========================  ========================================
name                     LaTeX                        rule
=======================  ===========================  ========================================
``w1``, ``x12``, ``L``   ``w_{1}``, ``x_{12}``, ``L``  letters + digits: digits as subscript
``x_1``, ``w_i_j``       ``x_{1}``, ``w_{i,j}``        ``_``-groups of digits or one letter
``w2_1_3``, ``w1_11``    ``w^{(2)}_{1,3}``, ``w^{(1)}_{11}``  letters, layer digits, ``_``-groups
``z1_2``, ``b1_2``       ``z^{(1)}_{2}``, ``b^{(1)}_{2}``   (``b1`` alone is ``b_{1}``: one rule)
``x1_s2``, ``L_s2``      ``x^{[2]}_{1}``, ``L^{[2]}``  sample suffix ``_s<i>``: superscript [i]
``z1_2_s3``              ``z^{(1)[3]}_{2}``            layer and sample together
``h1_2_t3``, ``x1_t2``    ``h^{(1)\langle 3\rangle}_{2}``  a sequence's step ``_t<t>`` (before the sample):
                         ``x^{\langle 2\rangle}_{1}``   superscript ⟨t⟩, as Ng's a^{<t>}
``wx1_2_1``, ``zi1_2``    ``w^{(1)}_{x,2,1}``           a sequence layer's weights and gates: the second
                                                      letter of ``wx``/``wh``/``wq``/... ``zi``/``zf``/...
                                                      is the first index
``lambda1``, ``Delta``   ``\lambda_{1}``, ``\Delta``   Greek names (``pi`` is a name: ``\pi``)
``xh2_1_s3``             ``\hat{x}^{(2)[3]}_{1}``      a normalised value: its stem under a hat
``mu2_s3``, ``var2_s3``  ``\mu^{(2)[3]}``             a per-sample statistic of layer 2 (layer normalisation)
``price``, ``apple_num``  ``\mathrm{price}``, ``\mathrm{apple\_num}``  other multi-letter names
anything else            ``\text{...}`` (escaped)      not a symback name, e.g. ``x}\def``
=======================  ===========================  ========================================
"""
from __future__ import annotations

import re
from functools import lru_cache

from symback.documents.tex import escape_latex
from symback.engine.names import GREEK


_SAMPLE = re.compile(r"(?P<base>[A-Za-z]\w*?)_s(?P<sample>\d+)\Z", re.ASCII)
_STEP = re.compile(r"(?P<base>[A-Za-z]\w*?)_t(?P<step>\d+)\Z", re.ASCII)
#: two-letter stems of the sequence layers, written as their first letter with the second as the first index
SPLIT_STEMS = {f"{a}{b}" for a, bs in (("w", "xhqkv"), ("z", "ifgo")) for b in bs}
_LAYER = re.compile(r"(?P<stem>[A-Za-z]+)(?P<layer>\d+)(?P<index>(?:_\d+)+)\Z")
_INDEXED = re.compile(r"(?P<stem>[A-Za-z]+)(?P<index>\d*)\Z")
_UNDERSCORED = re.compile(r"(?P<stem>[A-Za-z]+)(?P<index>(?:_(?:\d+|[A-Za-z]))+)\Z")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_STATISTIC = re.compile(r"(?P<stem>mu|var)(?P<layer>\d+)\Z")  #: a layer's mean or variance (per sample: ``_s<i>``)
#: stems written under a hat: layer and batch normalisation's normalised value ``xh`` is the lecture's x̂
HATS = {"xh": "x"}


def stem_tex(stem: str) -> str:
    """One letter stays italic, a Greek name becomes its letter, other words are upright."""
    if len(stem) == 1:
        return stem
    if stem in HATS:
        return r"\hat{%s}" % HATS[stem]
    return "\\" + stem if stem in GREEK else r"\mathrm{%s}" % stem


def script(stem: str, sup: str, index: str) -> str:
    """``stem`` (LaTeX) with superscript ``sup`` and the ``_``-separated ``index`` as subscript, each if not empty."""
    sub = index.lstrip("_").replace("_", ",")
    return stem + (f"^{{{sup}}}" if sup else "") + (f"_{{{sub}}}" if sub else "")


@lru_cache(maxsize=4096)
def name_tex(name: str) -> str:
    """The LaTeX of a name by the rules in the module docstring."""
    sample = ""
    if match := _SAMPLE.match(name):
        name, sample = match["base"], f"[{match['sample']}]"
        if match := _STATISTIC.match(name):  # mu2_s3: layer 2's mean of sample 3, not mu_2 of sample 3
            return script(stem_tex(match["stem"]), f"({match['layer']}){sample}", "")
    if match := _STEP.match(name):
        name, sample = match["base"], rf"\langle {match['step']}\rangle" + sample
    if match := _LAYER.match(name):
        stem, index = match["stem"], match["index"]
        if stem in SPLIT_STEMS:
            stem, index = stem[0], f"_{stem[1]}{index}"
        return script(stem_tex(stem), f"({match['layer']}){sample}", index)
    if match := _INDEXED.match(name) or _UNDERSCORED.match(name):
        return script(stem_tex(match["stem"]), sample, match["index"])
    if _NAME.match(name):
        return script(r"\mathrm{%s}" % name.replace("_", r"\_"), sample, "")
    return script(r"\text{%s}" % escape_latex(name), sample, "")
