"""The two error families of derive.

``ProblemError``: the author's input is never valid (a broken problem file, a shape
mismatch, an unknown rule).  ``Unsupported``: the input may be fine but the engine
cannot handle it yet; a step hitting this is *undecided*, never passed.
"""


class DeriveError(Exception):
    """Base class of every error derive raises on purpose."""


class ProblemError(DeriveError):
    """The problem file is broken: the author has to fix it."""

    def __init__(self, message, filename=None, lineno=None):
        super().__init__(message)
        self.message = message
        self.filename = filename
        self.lineno = lineno

    def located(self, filename, lineno):
        if self.filename is None:
            self.filename, self.lineno = filename, lineno
        return self

    def __str__(self):
        where = ""
        if self.filename:
            where = f"{self.filename}:{self.lineno}: " if self.lineno else f"{self.filename}: "
        return where + self.message


class ShapeMismatch(ProblemError):
    """Two matrix operands whose shapes do not fit."""


class Unsupported(DeriveError):
    """The engine cannot decide this (yet); reported as undecided."""


class InvalidVariant(DeriveError):
    """Drawn parameter values that give no valid problem (e.g. a singular system): draw again."""
