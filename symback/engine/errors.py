"""Errors a user can cause. Each renders as one line: where, what, and the fix."""
from __future__ import annotations


class SymbackError(Exception):
    """Base of every error symback reports to a user (CLI exit code 2)."""

    def __init__(self, where: str, message: str, fix: str = "") -> None:
        self.where = where
        self.message = message
        self.fix = fix
        super().__init__(self.line())

    def line(self) -> str:
        """The one-line form: ``where: message; fix``."""
        text = f"{self.where}: {self.message}" if self.where else self.message
        return f"{text}; {self.fix}" if self.fix else text

    def __reduce__(self):  # a pool worker's error reaches the parent whole (the default pickle loses the parts)
        return type(self), (self.where, self.message, self.fix), self.__dict__

    def located(self, prefix: str) -> "SymbackError":
        """The same error with ``prefix`` (a file name or a key) put in front of its place."""
        where = f"{prefix}: {self.where}" if self.where else prefix
        return type(self)(where, self.message, self.fix)


class SpecError(SymbackError):
    """A spec file or dictionary is malformed: wrong key, type, range or shape."""


class FormulaError(SymbackError):
    """A formula was refused by the safe parser or names something undefined."""


class EvaluationError(SymbackError):
    """A value is undefined or non-finite at the given point (log(0), 1/0, ...)."""


class RuleError(SymbackError):
    """An operation has no derivative rule in ``symback.engine.rules.RULES``."""


def read_user_file(path, name: str, error: type[SymbackError] = SymbackError,
                   missing_fix: str = "check the path", limit: int = 4 << 20) -> str:
    """The UTF-8 text of a file the user named (a leading byte-order mark dropped).

    A missing, unreadable, non-UTF-8 or larger than ``limit`` bytes file (``/dev/zero`` included:
    at most ``limit + 1`` bytes are read) is ``error``, whose fix says how to raise the limit.
    """
    from pathlib import Path

    try:
        if Path(path).is_dir():
            raise error(name, "is a directory, not a file", "name a file")
        with open(path, "rb") as handle:  # in pieces: read(n) takes n bytes of memory up front
            pieces, size = [], 0
            while size <= limit and (piece := handle.read(min(1 << 20, limit + 1 - size))):
                pieces.append(piece)
                size += len(piece)
            raw = b"".join(pieces)
    except FileNotFoundError:
        raise error(name, "no such file", missing_fix) from None
    except OSError as exc:
        raise error(name, f"cannot read the file ({exc.strerror})", "check the path and permissions") from None
    if len(raw) > limit:
        raise error(name, f"the file is larger than the limit of {limit} bytes",
                    "raise it with --max-file BYTES, or split the file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(name, f"not UTF-8 text (byte {exc.start})", "save the file as UTF-8") from None
    return text[1:] if text.startswith("\ufeff") else text


def did_you_mean(word: str, choices) -> str:
    """A ``did you mean 'x'?`` hint for the closest of ``choices``, or a list of them."""
    import difflib

    choices = sorted(c for c in choices if not c.startswith("_") and "__" not in c)  # never internal names
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    shown = ", ".join(choices[:12]) + (", ..." if len(choices) > 12 else "")
    return f"expected one of: {shown}" if choices else ""
