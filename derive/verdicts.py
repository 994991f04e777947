"""Verdicts are data: what was checked, how, and with what evidence."""
from dataclasses import dataclass, field
from enum import Enum


def _plain(value):
    """A JSON-friendly value: sympy integers become ints, anything else its string."""
    try:
        if int(value) == value:
            return int(value)
    except (TypeError, ValueError):
        pass
    return value if isinstance(value, (int, float, str)) else str(value)


def _sizes(sizes):
    return "; ".join(", ".join(f"{k}={v}" for k, v in s.items()) for s in sizes)


class Label(Enum):
    PROVED = "proved"
    EXACT = "checked exactly at sizes"
    RANDOM = "checked at random points"
    NUMERIC = "numerically checked"
    FAILED = "failed"
    UNDECIDED = "undecided"

    @property
    def verified(self):
        return self in (Label.PROVED, Label.EXACT, Label.RANDOM, Label.NUMERIC)

    @property
    def strength(self):
        return [Label.PROVED, Label.EXACT, Label.RANDOM, Label.NUMERIC, Label.FAILED, Label.UNDECIDED].index(self)


@dataclass
class Counterexample:
    """Where two sides differ: the size, the values of the free quantities, both sides."""
    size: dict
    values: dict
    lhs: str
    rhs: str
    note: str = ""

    def describe(self):
        parts = []
        if self.size:
            parts.append("at " + ", ".join(f"{k}={v}" for k, v in self.size.items()))
        if self.values:
            parts.append("with " + ", ".join(f"{k}={v}" for k, v in self.values.items()))
        text = " ".join(parts)
        text = (text + ": " if text else "") + f"previous side = {self.lhs}, this step = {self.rhs}"
        return text + (f" ({self.note})" if self.note else "")

    def as_dict(self):
        return {"size": {str(k): _plain(v) for k, v in self.size.items()},
                "values": {str(k): str(v) for k, v in self.values.items()},
                "lhs": self.lhs, "rhs": self.rhs, "note": self.note}


@dataclass
class Verdict:
    index: int
    relation: str
    label: Label
    method: str
    sizes: list = field(default_factory=list)
    seed: int | None = None
    points: int = 0
    seconds: float = 0.0
    counterexample: Counterexample | None = None
    detail: str = ""
    argument: str = ""  # why the evidence carries: sizes chosen by the degree rule, a normal form, ...
    sampled: list = field(default_factory=list)  # further sizes checked at exact random points
    assumptions: list = field(default_factory=list)  # what the verdict takes from the author, in words
    number: int | None = None  # the step's number for readers (Step.number), set by the checking loop

    @property
    def ok(self):
        return self.label.verified

    def evidence(self, sizes=None, argument=True):
        """One line saying what was done, for people.  ``sizes`` formats a list of sizes (default
        n=2, d=3; the write-up passes printing.sizes_math); ``argument=False`` leaves the argument
        out (a verification table prints it once, as a note)."""
        sizes = sizes or _sizes
        text = self.label.value
        if self.label in (Label.EXACT, Label.RANDOM, Label.NUMERIC) and self.sizes:
            text += (" at sizes " if self.label is not Label.EXACT else " ") + sizes(self.sizes)
        if self.sampled:
            text += "; at exact random points at sizes " + sizes(self.sampled)
        if self.label in (Label.RANDOM, Label.NUMERIC) and self.points:
            drawn = f", seed {self.seed}" if self.seed is not None else ", deterministic"
            text += f" ({self.points} point{'s' if self.points != 1 else ''}{drawn})"
        if self.argument and argument:
            text += f" ({self.argument})"
        if self.assumptions:
            text += "; assuming " + ", ".join(self.assumptions)
        return text

    def as_dict(self):
        return {"index": self.index, "number": self.number, "relation": self.relation, "label": self.label.value,
                "ok": self.ok, "method": self.method,
                "sizes": [{str(k): _plain(v) for k, v in s.items()} for s in self.sizes],
                "seed": self.seed, "points": _plain(self.points), "seconds": round(self.seconds, 4),
                "counterexample": self.counterexample.as_dict() if self.counterexample else None,
                "detail": self.detail, "argument": self.argument,
                "sampled": [{str(k): _plain(v) for k, v in s.items()} for s in self.sampled],
                "assumptions": list(self.assumptions)}


@dataclass
class Report:
    """All verdicts of one derivation, plus chain-level findings."""
    name: str
    verdicts: list
    findings: list = field(default_factory=list)  # chain-level failures, as sentences
    extras: list = field(default_factory=list)  # independent cross-checks (Verdict-like)
    seconds: float = 0.0

    @property
    def ok(self):
        return not self.findings and all(v.ok for v in self.verdicts) and all(v.ok for v in self.extras)


