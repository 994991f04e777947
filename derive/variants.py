"""Fresh variants of parameterised problems: draw, build, check; never keep an unverified one."""
from . import loader
from .checking import check
from .errors import DeriveError, InvalidVariant, ProblemError
from .params import draw

MAX_DRAWS = 50


class VariantFailed(DeriveError):
    """A built variant whose chain did not verify: it is never written out."""


def variant(name, values):
    """(derivation, report) for explicit values; raises VariantFailed if a step fails."""
    derivation = loader.build(name, values)
    report = check(derivation)
    if not report.ok:
        bad = [v for v in report.verdicts + report.extras if not v.ok]
        what = "; ".join(f"step {v.index}: {v.label.value}"
                         + (f" ({v.counterexample.describe()})" if v.counterexample else "") for v in bad)
        raise VariantFailed(f"variant {values} of {name} does not verify: {what or report.findings}")
    return derivation, report


def drawn(name, seed, count):
    """``count`` verified variants drawn from ``seed``: [(values, derivation, report)]."""
    params = loader.params_of(name)
    joint = loader.module(name)[1].get("sample")
    if not joint and not any(p.sample for p in params):
        raise ProblemError(f"{name} has no parameters to vary")
    out, index, seen = [], 0, set()
    while len(out) < count:
        if index >= MAX_DRAWS * count:
            raise ProblemError(f"could not draw {count} valid variants of {name} from seed {seed}")
        values = draw(params, seed, index, joint)
        index += 1
        key = repr(sorted(values.items()))
        if key in seen:
            continue
        try:
            derivation, report = variant(name, values)
        except InvalidVariant:
            continue
        seen.add(key)
        out.append((values, derivation, report))
    return out
