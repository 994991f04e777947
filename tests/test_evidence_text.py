"""The evidence a verdict states (method, argument, detail) is printed in the answer keys' notes
under each verification table, through derive.prose.escape: ``$...$`` spans are LaTeX
mathematics, the rest is escaped text.  The text part must read as prose, never as Python:
formulas, sizes and values belong in the mathematics."""
import re

import pytest

from derive import loader
from derive.checking import check

MATH = re.compile(r"\$[^$]*\$")
FORBIDDEN = ["sqrt(", "**", "||", "^T", "<=", ">=", "_in", "_out", "sigma_", "Var[",
             "Fraction(", "Matrix(", "Symbol(", "Integer(", "Rational(", "ImmutableDenseMatrix"]
PRODUCT = re.compile(r"[A-Za-z0-9_)\]]\s*\*\s*[A-Za-z_(]")  # a * between identifiers: code, not prose


def text_part(text):
    """``text`` with its mathematics removed."""
    return MATH.sub(" ", text or "")


def code_in(text):
    """The pieces of code in the text part of ``text`` (empty when it reads as prose)."""
    prose = text_part(text)
    found = [bad for bad in FORBIDDEN if bad in prose]
    found += [m.group(0) for m in PRODUCT.finditer(prose)]
    return found


def test_code_in_detects_python_text():
    assert code_in("random updates with ||dW||_2 = sqrt(d_out)")
    assert code_in("L(w) = sum(dY * xcorr(X, w))")
    assert code_in("limit = sigma_g*sigma_x")
    assert code_in("K <= 2*P + W")
    assert code_in("the solution Fraction(1, 3)")
    assert not code_in(r"random updates with $\|\Delta W\|_2 = \sqrt{d_{out}}$")
    assert not code_in(r"dimension factors of degree 1 in $d_{out}$, 1 in $d_{in}$")
    assert not code_in("tolerance 1e-06, worst gap 5.00e-11")


def _problems():
    names = []
    for homework in ("hw4", "hw5"):
        for name in loader.load_homework(homework).problems():
            if name not in names:
                names.append(name)
    return names


@pytest.mark.parametrize("name", _problems())
def test_evidence_reads_as_prose(name):
    report = check(loader.load(name))
    bad = []
    for v in report.verdicts + report.extras:
        for field in ("method", "argument", "detail"):
            found = code_in(getattr(v, field))
            if found:
                bad.append(f"step {v.index} {field}: {getattr(v, field)!r} has {found}")
    assert not bad, "\n".join(bad)


def test_a_long_evidence_text_is_said_once_in_the_table():
    from derive import loader
    from derive.checking import check
    from derive.render import context
    d = loader.load("translation_invariance")
    steps = [s for s in context(d, check(d))["steps"] if s["verdict"]]
    full = [s for s in steps if "at exact random points" in s["verdict"]["short"]]
    assert len(full) == 1 and full[0]["number"] == 1
    assert all(s["verdict"]["short"] in (full[0]["verdict"]["short"], "the same evidence as step 1", "proved")
               for s in steps)
