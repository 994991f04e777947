"""Check a whole derivation: chain-level rules, then each step by its relation's checker."""
import signal
import time
from contextlib import contextmanager

from .checkers import CHECKERS
from .comparison import Context
from .errors import Unsupported
from .verdicts import Label, Report, Verdict

STEP_TIMEOUT = 30.0  # seconds; a step over this is undecided


class _Timeout(Exception):
    pass


@contextmanager
def _time_limit(seconds):
    def on_alarm(signum, frame):
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
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


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
        elif steps[-1].expr != part.result:
            found.append(f"{name} does not end at its declared result")
    return found


def check_step(prev, step, ctx, timeout=STEP_TIMEOUT):
    start = time.perf_counter()
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
    verdict.seconds = time.perf_counter() - start
    return verdict


def check(derivation, seed=20261122, timeout=STEP_TIMEOUT):
    """Check every step; returns a Report (never raises for a failed step)."""
    start = time.perf_counter()
    ctx = Context(derivation, seed)
    verdicts = [check_step(prev, step, ctx, timeout)
                for prev, step in zip(derivation.steps, derivation.steps[1:])
                if step.relation != "definition"]
    extras = []
    for name, func in derivation.crosschecks:
        t0 = time.perf_counter()
        try:
            with _time_limit(timeout):
                v = func()
        except _Timeout:
            v = Verdict(-1, "cross-check", Label.UNDECIDED, name, detail="time-out")
        v.seconds = time.perf_counter() - t0
        v.detail = v.detail or name
        extras.append(v)
    return Report(derivation.name, verdicts, chain_findings(derivation), extras,
                  time.perf_counter() - start)
