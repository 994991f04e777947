"""Fresh variants of parameterised problems: draw, build, check; never keep an unverified one."""
from . import loader
from .checking import check
from .errors import DeriveError, InvalidVariant, ProblemError
from .params import draw

MAX_DRAWS = 50


class VariantFailed(DeriveError):
    """A built variant whose chain did not verify: it is never written out."""


class VariantsFailed(DeriveError):
    """Some variants of a batch failed or broke; the rest were still drawn and checked.

    ``failures``: [(values, message)]; ``verified``: [(values, derivation, report)]."""

    def __init__(self, message, failures, verified):
        super().__init__(message)
        self.failures, self.verified = failures, verified


def variant(name, values):
    """(derivation, report) for explicit values; raises VariantFailed if a step fails."""
    derivation = loader.build(name, values)
    report = check(derivation)
    if not report.ok:
        bad = [v for v in report.verdicts + report.extras if not v.ok]
        what = "; ".join((f"step {v.number}: " if v.number is not None else "cross-check: ") + v.label.value
                         + (f" ({v.counterexample.describe()})" if v.counterexample else "") for v in bad)
        raise VariantFailed(f"variant {values} of {name} does not verify: {what or report.findings}")
    return derivation, report


def _attempt(task):
    """A variant, None for values that give no valid problem, or the error to raise in order."""
    name, values = task
    try:
        return variant(name, values)[1]  # a Derivation does not pickle; the parent rebuilds it
    except InvalidVariant:
        return None
    except DeriveError as exc:
        return exc


def drawn(name, seed, count, jobs=1):
    """``count`` verified variants drawn from ``seed``: [(values, derivation, report)].

    With ``jobs > 1`` the candidates still needed are checked in parallel; the result is the
    same as checking them one by one (the first ``count`` valid draws, in draw order)."""
    from .parallel import run
    params = loader.params_of(name)
    joint = loader.module(name)[1].get("sample")
    if not joint and not any(p.sample for p in params):
        raise ProblemError(f"{name} has no parameters to vary")
    out, index, seen, failures = [], 0, set(), []
    while len(out) < count:
        batch = []
        while len(batch) < count - len(out):
            if index >= MAX_DRAWS * count:
                break
            values = draw(params, seed, index, joint)
            index += 1
            key = repr(sorted(values.items()))
            if key not in seen and key not in {k for k, _ in batch}:
                batch.append((key, values))
        if not batch:
            if failures:
                break
            raise ProblemError(f"could not draw {count} valid variants of {name} from seed {seed}")
        for (key, values), result in zip(batch, run(_attempt, [(name, v) for _, v in batch], jobs)):
            seen.add(key)
            if isinstance(result, Exception):  # that variant's failure: the batch goes on without it
                failures.append((values, str(result)))
            elif result is not None:
                out.append((values, loader.build(name, values), result))
    if failures:
        raise VariantsFailed(f"{len(failures)} variant(s) of {name} from seed {seed} did not verify or broke; "
                             f"{len(out)} verified; nothing written", failures, out)
    return out
