"""Check a whole derivation: chain-level rules, then each step by its relation's checker."""
import inspect
import signal
import time
from contextlib import contextmanager

from .cache import KeyInputs, Uncacheable, active_cache, crosscheck_key, step_key
from .checkers import CHECKERS
from .citations import cited_steps
from .comparison import Context
from .errors import ProblemError, Unsupported
from .verdicts import Label, Report, Verdict

STEP_TIMEOUT = 30.0  # seconds; a step over this is undecided


class _Timeout(Exception):
    pass


@contextmanager
def _time_limit(seconds):
    armed = [True]

    def on_alarm(signum, frame):
        if armed[0]:  # an alarm that arrives after the block has ended is ignored
            raise _Timeout()
    try:
        old = signal.signal(signal.SIGALRM, on_alarm)
    except ValueError:  # not the main thread: no limit can be set here
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)



def _same(a, b):
    """The same expression, up to the names of sympy's bound dummies ((mᵀAm)[0, 0] is a sum over
    fresh dummy indices each time it is written)."""
    try:
        return a == b or bool(a.dummy_eq(b))
    except (AttributeError, TypeError):
        return False

def chain_findings(derivation):
    """Chain-level failures: sentences naming what is wrong with the chain as a whole."""
    found = []
    if not derivation.parts:
        return ["the derivation has no chain (no definition(...))"]
    for number, part in enumerate(derivation.parts, 1):
        name = f"part {number}" + (f" ({part.title})" if part.title else "") if len(derivation.parts) > 1 else "the chain"
        steps = derivation.part_steps(part)
        if len(steps) < 2:
            found.append(f"{name} has no step after its definition")
        if part.result is None:
            found.append(f"{name} declares no result")
        elif not _same(steps[-1].expr, part.result):
            found.append(f"{name} does not end at its declared result")
    return found


def _cited_verdicts(step, ctx, timeout):
    """Check the steps of the parts ``step`` cites (``using=``) that ctx has no verdict of yet,
    each within its own time limit (before this step's limit is set: limits do not nest)."""
    for citation in step.options.get("using", ()):
        for cited in cited_steps(ctx.derivation, citation)[1]:
            if cited.index not in ctx.verdicts:
                ctx.verdicts[cited.index] = check_step(ctx.derivation.steps[cited.index - 1], cited, ctx, timeout)


def check_step(prev, step, ctx, timeout=STEP_TIMEOUT):
    _cited_verdicts(step, ctx, timeout)
    start = time.perf_counter()
    timeout = step.options.get("time_limit", timeout)  # the author's limit for this step, if set
    if step.expr == prev.expr:
        verdict = Verdict(step.index, step.relation, Label.FAILED, "structural comparison",
                          detail="the step repeats its predecessor")
    else:
        try:
            with _time_limit(timeout):
                verdict = CHECKERS[step.relation](prev, step, ctx)
        except _Timeout:
            verdict = Verdict(step.index, step.relation, Label.UNDECIDED, "time-out",
                              detail=f"no verdict within {timeout:g} s")
        except Unsupported as exc:
            verdict = Verdict(step.index, step.relation, Label.UNDECIDED, "no applicable checker",
                              detail=str(exc))
        except ProblemError:
            raise  # a broken problem file (a shape that does not fit, an index outside its range): exit 2
        except RecursionError:
            verdict = Verdict(step.index, step.relation, Label.UNDECIDED, "engine limit",
                              detail="the expression is nested too deeply to evaluate")
        except Exception as exc:  # an object the engine cannot evaluate: undecided, never a crash
            verdict = Verdict(step.index, step.relation, Label.UNDECIDED, "the engine could not evaluate this step",
                              detail=f"{type(exc).__name__}: {exc}")
    verdict.seconds = time.perf_counter() - start
    return verdict


DEFAULT_SEED = 20261122


def _takes_seed(func):
    """Whether a cross-check accepts ``seed=``: then the check's seed drives its random choices."""
    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False
    return "seed" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


def run_crosscheck(name, func, seed, timeout=STEP_TIMEOUT):
    """One cross-check's Verdict; an error inside it is undecided, never a crash or a pass."""
    t0 = time.perf_counter()
    seeded = _takes_seed(func)
    try:
        with _time_limit(timeout):
            v = func(seed=seed) if seeded else func()
        if not isinstance(v, Verdict):
            raise TypeError(f"the cross-check returned {type(v).__name__}, not a Verdict")
    except _Timeout:
        v = Verdict(-1, "cross-check", Label.UNDECIDED, "time-out", detail=name)
    except Exception as exc:  # noqa: BLE001 (a broken cross-check is that check's failure)
        v = Verdict(-1, "cross-check", Label.UNDECIDED, "the cross-check raised an error",
                    detail=f"{name}: {type(exc).__name__}: {exc}")
    if seeded and v.seed is None:
        v.seed = seed
    v.seconds = time.perf_counter() - t0
    v.detail = v.detail or name
    return v


def _reused_or_run(cache, key, run):
    """The verdict stored under ``key`` (marked ``cached``), else ``run()``'s, stored unless it
    timed out: a time-out depends on the machine's load, so it is tried again next time."""
    start = time.perf_counter()
    verdict = cache.get(key) if key else None
    if verdict is not None:
        verdict.seconds = time.perf_counter() - start
        verdict.cached = True
        return verdict
    verdict = run()
    verdict.cached = False
    if key and verdict.method != "time-out":
        cache.put(key, verdict)
    return verdict


def _checked_steps(derivation, ctx, seed, timeout, cache, keys=None):
    """Each step's verdict, reused from ``cache`` only when every input of its check matches
    (see derive.cache); a reused verdict says so with ``cached = True``."""
    base = None
    keys = keys or KeyInputs(derivation)
    if cache:
        try:
            base = keys.base()
        except Uncacheable:
            pass
    verdicts = []
    for prev, step in zip(derivation.steps, derivation.steps[1:]):
        if step.relation == "definition":
            continue
        key = None
        # a citing step's verdict rests on the cited steps' verdicts: it is cheap, and never reused
        if base is not None and not step.options.get("using"):
            try:
                key = step_key(base, prev, step, seed, step.options.get("time_limit", timeout), keys.step)
            except Uncacheable:
                pass
        verdict = _reused_or_run(cache, key, lambda: check_step(prev, step, ctx, timeout))
        verdict.number = step.number
        ctx.verdicts[step.index] = verdict
        verdicts.append(verdict)
    return verdicts


def check_steps(derivation, seed=DEFAULT_SEED, timeout=STEP_TIMEOUT, cache=None, keys=None):
    """The steps' verdicts, in order (the first half of ``check``)."""
    ctx = Context(derivation, seed)
    return _checked_steps(derivation, ctx, seed, timeout, active_cache() if cache is None else cache, keys)


def check_crosschecks(derivation, seed=DEFAULT_SEED, timeout=STEP_TIMEOUT, cache=None, keys=None):
    """The independent cross-checks' verdicts, in order (the second half of ``check``).  A
    verdict is reused from the cache only when the derivation, its problem file's text, the
    seed and the time limit all match (derive.cache.crosscheck_key); it then says ``cached``."""
    cache = active_cache() if cache is None else cache
    keys = keys or KeyInputs(derivation)
    out = []
    for name, func in derivation.crosschecks:
        key = None
        if cache:
            try:
                key = crosscheck_key(derivation, name, seed, timeout, keys)
            except Uncacheable:
                pass
        out.append(_reused_or_run(cache, key, lambda: run_crosscheck(name, func, seed, timeout)))
    return out


def check(derivation, seed=DEFAULT_SEED, timeout=STEP_TIMEOUT, cache=None):
    """Check every step; returns a Report (never raises for a failed step).

    ``seed`` drives every random choice: the random points of the steps and each cross-check
    that accepts a ``seed`` argument.  ``cache``: a derive.cache.VerdictCache, False for none,
    None for the process-wide one (``derive.cache.use``)."""
    start = time.perf_counter()
    keys = KeyInputs(derivation)  # each step's canonical inputs computed once for both halves
    verdicts = check_steps(derivation, seed, timeout, cache, keys)
    extras = check_crosschecks(derivation, seed, timeout, cache, keys)
    return Report(derivation.name, verdicts, chain_findings(derivation), extras,
                  time.perf_counter() - start)
