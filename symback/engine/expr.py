"""The safe formula parser: an ``ast`` whitelist that builds SymPy objects.

No ``eval``, ``exec``, ``sympify`` or ``parse_expr`` ever sees user text. A formula may contain
numbers, names, ``+ - * / ^ **``, parentheses, unary minus, and calls to the fixed function table
:data:`FUNCTIONS` (plus the losses of :mod:`symback.engine.losses`, whose arguments may be lists).
Size, literal and power bounds make payloads such as ``9**9**9**9`` fail in milliseconds.
"""
from __future__ import annotations

import ast
import keyword
import re
from dataclasses import dataclass
from typing import Callable, Mapping

import sympy as sp
from sympy.core.parameters import global_parameters

import symback.engine.functions as fn
from symback.engine.activations import ACTIVATIONS
from symback.engine import limits
from symback.engine.errors import FormulaError, did_you_mean
from symback.engine.literals import MAX_LITERAL_DIGITS, LiteralProblem, is_decimal, read_decimal
from symback.engine.losses import LOSSES
from symback.engine.sums import times

MAX_LENGTH = 5000        #: characters in one formula
MAX_NODES = 1000         #: syntax-tree nodes in one formula
MAX_DEPTH = 400          #: nesting depth of one formula's syntax tree (SymPy and the builder recurse)
MAX_BRACKETS = 200       #: nesting of brackets and calls: Python's tokenizer allows no more
MAX_EXPONENT = 1000      #: |exponent| of a constant power
MAX_POWER_BITS = 4096    #: log2|base| * |exponent| for a constant base and exponent

NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


def _extremum(kind):
    def build(*args):
        if len(args) < 2:
            raise TypeError("needs at least 2 arguments")
        return kind(*args)
    return build


#: name -> (builder, allowed argument counts or None for "2 or more"): elementary functions, extrema and the
#: registry's activations (:mod:`symback.engine.activations`; a layer-wise softmax has its own syntax)
FUNCTIONS: dict[str, tuple[Callable[..., sp.Expr], tuple[int, ...] | None]] = {
    "exp": (sp.exp, (1,)),
    "log": (sp.log, (1,)),
    "sqrt": (sp.sqrt, (1,)),
    **{name: (activation.formula, activation.arities) for name, activation in ACTIVATIONS.items()
       if not activation.layerwise},
    "abs": (sp.Abs, (1,)),
    "max": (_extremum(sp.Max), None),
    "min": (_extremum(sp.Min), None),
}


CONSTANTS = {"e": sp.E, "pi": sp.pi}

_BINARY = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: times(a, b),
    ast.Div: lambda a, b: a / b,
}


@dataclass(frozen=True)
class Formula:
    """A parsed formula and the target groups its cross-entropy losses declare (Sigma t = 1)."""

    expr: sp.Expr
    target_groups: tuple[tuple[sp.Symbol, ...], ...] = ()


def symbol(name: str) -> sp.Symbol:
    """The SymPy symbol symback uses for a user name (real-valued; never a SymPy constant)."""
    return sp.Symbol(name, real=True)


def parse_formula(text: str, names: Mapping[str, sp.Symbol] | None, where: str = "formula",
                  functions: Mapping[str, tuple[Callable[..., sp.Expr], tuple[int, ...] | None]] | None = None) -> Formula:
    """Parse ``text`` into a :class:`Formula` whose symbols come from ``names``.

    Args:
        text: the formula, e.g. ``"sigmoid(w1*i1 + w2*i2)"``.
        names: the user's names and their symbols; ``None`` makes every free name a new symbol.
        where: the place the formula came from, used in error messages (``"nodes.o"``).
        functions: extra callable names (``{name: (builder, argument counts)}``), e.g. the
            derivative ``diff`` and abstract functions of ``symback verify steps``; a builder
            raises ``ValueError(message)`` for arguments it refuses.

    >>> parse_formula("(t - o)^2", {"t": symbol("t"), "o": symbol("o")}).expr
    (-o + t)**2
    """
    if not isinstance(text, str):
        raise FormulaError(where, f"expected a formula string, got {type(text).__name__}",
                           'write it in quotes, e.g. "w*x + b"')
    if not text.strip():
        raise FormulaError(where, "the formula is empty", 'write an expression such as "w*x + b"')
    if len(text) > MAX_LENGTH:
        raise FormulaError(where, f"the formula is longer than {MAX_LENGTH} characters",
                           "split it into several nodes")
    words = names if names is not None else re.findall(r"(?<![\w.])[A-Za-z]\w*", text)  # free names: the text's
    aliases = {f"_kw_{n}": n for n in words if keyword.iskeyword(n)}  # lambda, in, is: names, never Python
    source = text.replace("^", "**")
    if aliases:
        back = {v: k for k, v in aliases.items()}
        source = re.sub(r"(?<![\w.])[A-Za-z_]\w*", lambda m: back.get(m.group(0), m.group(0)), source)
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        column = f" at column {exc.offset}" if exc.offset else ""
        why = f"brackets nested more than {MAX_BRACKETS} deep" if exc.msg == "too many nested parentheses" else exc.msg
        raise FormulaError(where, f"cannot parse '{quoted(text)}'{column} ({why})",
                           "use numbers, names, + - * / ^, parentheses and function calls") from None
    except (RecursionError, MemoryError):
        raise FormulaError(where, "the formula is nested more deeply than Python's parser allows",
                           "split it into several nodes") from None
    count = sum(1 for _ in ast.walk(tree))
    if count > limits.current().size:
        raise FormulaError(where, f"the formula has {count} parts (limit {limits.current().size})",
                           "split it into several nodes, or raise the limit with --max-size")
    depth = _depth(tree)
    if depth > MAX_DEPTH:
        raise FormulaError(where, f"the formula is nested {depth} levels deep (limit {MAX_DEPTH})",
                           "split it into several nodes")
    builder = _Builder(text, names, aliases, where, functions or {}, source.strip())
    expr = builder.build(tree.body)
    if expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise FormulaError(where, f"'{text}' is undefined (division by zero or log(0))",
                           "change the constants in the formula")
    return Formula(expr, tuple(builder.groups))


def _depth(tree: ast.AST) -> int:
    """The nesting depth of a syntax tree (an explicit stack: the tree may be deep)."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def quoted(text: str, limit: int = 80) -> str:
    """``text`` for an error message: cut in the middle when long, so the message stays one short line."""
    return text if len(text) <= limit else f"{text[:limit // 2]} … {text[-limit // 4:]}"


def power_problem(base: sp.Expr, exponent: sp.Expr) -> tuple[str, str] | None:
    """Why ``base ** exponent`` is out of bounds, as (message, fix), or ``None`` if it may be built."""
    if exponent.is_Number:
        if abs(exponent) > MAX_EXPONENT:
            return f"the exponent {exponent} is too large", f"use exponents up to {MAX_EXPONENT}"
        if base.is_Number and base != 0:
            bits = abs(float(sp.log(abs(base), 2).evalf(15))) * abs(float(exponent))
            if bits > MAX_POWER_BITS:
                return "the power is too large to compute", "use smaller constants"
    elif exponent.is_number:
        return "a constant exponent must be a plain number", "simplify the exponent"
    return None


def within_size(expr: sp.Expr, limit: int) -> bool:
    """Whether ``expr`` has at most ``limit`` tree nodes (stops counting early: big trees are cheap).

    >>> within_size(sp.Symbol("x") + 1, 3), within_size(sp.Symbol("x") + 1, 2)
    (True, False)
    """
    stack, count = [expr], 0  # preorder_traversal's count, without its generator machinery (3x faster)
    while stack:
        count += 1
        if count > limit:
            return False
        stack.extend(stack.pop().args)
    return True


def parse_as_written(text: str, names: Mapping[str, sp.Symbol] | None, functions=None,
                     parsed: sp.Expr | None = None) -> sp.Expr:
    """``text`` without SymPy's automatic simplification (``2*(o - t)`` stays so), for echoing it back.

    Call it on text :func:`parse_formula` accepted; ``parsed`` is returned if the unevaluated form
    cannot be built.
    """
    try:
        with sp.evaluate(False):
            return parse_formula(text, names, "display", functions).expr
    except Exception:  # display only: fall back to the evaluated form
        return parsed


class _Builder:
    """Walks a whitelisted syntax tree and builds the SymPy expression."""

    def __init__(self, text, names, aliases, where, functions, source):
        self.text, self.names, self.aliases, self.where = text, names, aliases, where
        self.source = source  #: the text the syntax tree was parsed from (literals are read from it)
        self.functions = {**FUNCTIONS, **functions}
        self.auto: dict[str, sp.Symbol] = {}
        self.groups: list[tuple[sp.Symbol, ...]] = []

    def fail(self, node, message, fix):
        column = getattr(node, "col_offset", None)
        at = f" (column {column + 1})" if column is not None else ""
        raise FormulaError(self.where, f"{message} in '{self.text}'{at}", fix)

    def build(self, node) -> sp.Expr:
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            value = self.build(node.operand)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Pow, ast.BitXor)):
            return self.power(node)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            return self.sum(node)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            return _BINARY[type(node.op)](self.build(node.left), self.build(node.right))
        if isinstance(node, ast.Call):
            return self.call(node)
        what = type(node).__name__
        self.fail(node, f"'{what}' is not allowed",
                  "formulas may use numbers, names, + - * / ^, parentheses and function calls")

    def sum(self, node) -> sp.Expr:
        """``a + b - c + ...`` as one Add of all its terms, built left to right as before: adding
        them one at a time re-sorted the partial sum each time (quadratic in the inputs of a neuron);
        the result is the same canonical Add."""
        if not global_parameters.evaluate:  # unevaluated (a derivation's lines): keep the grouping written
            return _BINARY[type(node.op)](self.build(node.left), self.build(node.right))
        spine = []
        while isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            spine.append(node)
            node = node.left
        terms = [self.build(node)]
        for parent in reversed(spine):
            term = self.build(parent.right)
            terms.append(-term if isinstance(parent.op, ast.Sub) else term)
        return sp.Add(*terms)

    def constant(self, node) -> sp.Expr:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(node, f"the literal {value!r} is not a number", "use a decimal number")
        written = ast.get_source_segment(self.source, node) or repr(value)
        if isinstance(value, int) and not is_decimal(written):  # 0x10, 0b101: Python's own integer forms
            written = str(value) if len(str(value)) <= MAX_LITERAL_DIGITS else written
        try:  # from the literal's text: 1e-400 is exactly 10^-400, not the float 0.0
            return read_decimal(written)
        except LiteralProblem as problem:
            self.fail(node, problem.message, problem.fix)

    def name(self, node) -> sp.Expr:
        ident = self.aliases.get(node.id, node.id)
        if self.names is not None and ident in self.names:
            return self.names[ident]
        if ident in CONSTANTS:
            return CONSTANTS[ident]
        if self.names is None and NAME_PATTERN.match(ident) and ident not in self.functions:
            return self.auto.setdefault(ident, symbol(ident))
        if ident in self.functions or ident in LOSSES or ident in ACTIVATIONS:
            self.fail(node, f"'{ident}' is a function", f"call it, e.g. {ident}(x)")
        hint = did_you_mean(ident, list(self.names or ()))
        self.fail(node, f"unknown name '{ident}'",
                  "define it under [inputs], [params] or [nodes]" + (f" ({hint})" if hint else ""))

    def power(self, node) -> sp.Expr:
        base, exponent = self.build(node.left), self.build(node.right)
        problem = power_problem(base, exponent)
        if problem:
            self.fail(node, *problem)
        return base ** exponent

    def call(self, node) -> sp.Expr:
        if not isinstance(node.func, ast.Name):
            self.fail(node, "only named functions may be called", "call one of the listed functions")
        name = node.func.id
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            self.fail(node, f"{name}() takes plain positional arguments", f"write {name}(x)")
        if name in LOSSES:
            return self.loss(node, name)
        if name == "softmax":
            return self.softmax(node)
        if name not in self.functions:
            known = [*self.functions, *LOSSES, *ACTIVATIONS]
            self.fail(node, f"unknown function '{name}'", did_you_mean(name, known))
        builder, counts = self.functions[name]
        args = [self.build(a) for a in node.args]
        if (counts is None and len(args) < 2) or (counts is not None and len(args) not in counts):
            wanted = "2 or more" if counts is None else " or ".join(map(str, counts))
            self.fail(node, f"{name}() takes {wanted} arguments, got {len(args)}", f"check the call to {name}")
        try:
            return builder(*args)
        except ValueError as exc:  # an extra function refusing its arguments
            self.fail(node, str(exc), f"check the call to {name}")

    def softmax(self, node) -> sp.Expr:
        args = node.args
        if len(args) < 2 or not (isinstance(args[0], ast.Constant) and type(args[0].value) is int):
            self.fail(node, "softmax takes an index and the logits, softmax(k, z1, ..., zK)",
                      "write e.g. softmax(1, z1, z2, z3)")
        zs = self.vector(args[1]) if len(args) == 2 and isinstance(args[1], ast.List) else \
            [self.build(a) for a in args[1:]]
        k = args[0].value
        if not 1 <= k <= len(zs):
            self.fail(node, f"softmax index {k} is outside 1..{len(zs)}", "count the logits from 1")
        return fn.softmax(k, *zs)

    def vector(self, node) -> list[sp.Expr]:
        if isinstance(node, ast.List):
            return [self.build(e) for e in node.elts]
        return [self.build(node)]

    def loss(self, node, name) -> sp.Expr:
        if len(node.args) != 2:
            self.fail(node, f"{name}() takes outputs and targets", f"write {name}(y, t) or {name}([y1, y2], [t1, t2])")
        ys, ts = self.vector(node.args[0]), self.vector(node.args[1])
        if len(ys) != len(ts) or not ys:
            self.fail(node, f"{name}() got {len(ys)} outputs and {len(ts)} targets", "give as many targets as outputs")
        loss = LOSSES[name]
        if loss.targets_sum_to_one and all(isinstance(t, sp.Symbol) for t in ts) and len(ts) > 1:
            self.groups.append(tuple(ts))
        return loss.build(ys, ts)
