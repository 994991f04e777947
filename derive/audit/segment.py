"""Find the chains of a written document: displays, rows, and the relations between steps.

Displays are ``$$…$$``, ``\\[…\\]`` and the equation / align / gather / multline environments
(starred or not).  Rows split on ``\\\\``; ``&``, ``\\label`` and ``\\nonumber`` are dropped and
``\\tag{…}`` is kept as the step's label.  A display is split at its top-level relations
(= ≤ ≥ < > ≈ ∝ ⇒ ⇔); a display that starts with a relation continues the previous chain.
Prose between displays is kept as the explanation of the next step.  Nothing is executed.
"""
import re
from dataclasses import dataclass, field

_DISPLAY = re.compile(
    r"\$\$(?P<dollars>.+?)\$\$"
    r"|\\\[(?P<brackets>.+?)\\\]"
    r"|\\begin\{(?P<env>equation|align|gather|multline|eqnarray)(?P<star>\*?)\}(?P<body>.+?)\\end\{(?P=env)(?P=star)\}",
    re.S)
_RELATION = re.compile(r"\\(?:leq?|geq?|approx|propto|Rightarrow|implies|iff|Leftrightarrow)(?![A-Za-z])|=|<|>")
_RELATION_NAMES = {"=": "=", r"\le": "<=", r"\leq": "<=", r"\ge": ">=", r"\geq": ">=", "<": "<", ">": ">",
                   r"\approx": "approx", r"\propto": "propto", r"\Rightarrow": "=>", r"\implies": "=>",
                   r"\iff": "<=>", r"\Leftrightarrow": "<=>"}
_TAG = re.compile(r"\\tag\*?\{([^{}]*)\}")
_DROP = re.compile(r"\\label\{[^{}]*\}|\\nonumber(?![A-Za-z])|\\notag(?![A-Za-z])")


@dataclass
class Chain:
    """One chain: its steps' LaTeX, the relation before each (None for the first), their lines."""
    steps: list = field(default_factory=list)
    relations: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    prose: list = field(default_factory=list)

    def written(self):
        return list(zip(self.steps, self.relations))


def _top_level(text):
    """(relation, start, end) of each relation outside braces, brackets and parentheses."""
    depth, out = 0, []
    i = 0
    while i < len(text):
        c = text[i]
        if c in "{[(":
            depth += 1
        elif c in "}])":
            depth = max(0, depth - 1)
        elif depth == 0:
            m = _RELATION.match(text, i)
            if m and not (c == "\\" and text[i:i + 6] == r"\left<"):
                out.append((_RELATION_NAMES[m.group(0)], m.start(), m.end()))
                i = m.end()
                continue
        if c == "\\":  # skip a command name whole (\left, \cdot, ...)
            m = re.match(r"\\[A-Za-z]+|\\.", text[i:])
            i += len(m.group(0)) if m else 1
            continue
        i += 1
    return out


def chains(text, first_line=1):
    """Every chain of a document, in order."""
    found, previous_end = [], 0
    for m in _DISPLAY.finditer(text):
        body = m.group("dollars") or m.group("brackets") or m.group("body") or ""
        offset = m.start("dollars") if m.group("dollars") is not None else (
            m.start("brackets") if m.group("brackets") is not None else m.start("body"))
        prose = " ".join(text[previous_end:m.start()].split())
        previous_end = m.end()
        pieces = []  # (text, line)
        row_start = 0
        for row in re.split(r"\\\\", body):
            line = first_line + text.count("\n", 0, offset + row_start)
            row_start += len(row) + 2
            tag = _TAG.search(row)
            row = _DROP.sub("", _TAG.sub("", row)).replace("&", " ")
            pieces.append((row, line, tag.group(1) if tag else None))
        joined, lines = "", []
        for row, line, tag in pieces:
            lines.append((len(joined), line, tag))
            joined += " " + row
        rels = _top_level(joined)
        bounds = [(None, 0, 0)] + rels + [(None, len(joined), len(joined))]
        continues = bool(rels) and not joined[:rels[0][1]].strip()
        chain = found[-1] if continues and found else Chain()
        if chain is not (found[-1] if found else None):
            found.append(chain)
        for (rel, _, end), (_, nxt, _) in zip(bounds, bounds[1:]):
            piece = joined[end:nxt].strip()
            if not piece:
                continue
            at = max((entry for entry in lines if entry[0] <= end), default=lines[0])
            chain.steps.append(piece)
            chain.relations.append(rel if chain.steps[:-1] else None)
            chain.lines.append(at[1])
            chain.tags.append(at[2])
            chain.prose.append(prose)
            prose = ""
    return found
