"""Checks spread over processes, results in the order asked for.

Workers are forked (Linux), so they start with the parent's loaded problem files and
verdict cache; each check runs in a worker's main thread, where the per-step SIGALRM time
limit works as in-process.  ``jobs <= 1`` runs everything in this process.
"""
import multiprocessing
import multiprocessing.pool
import os
import signal
import time

from . import loader
from .checking import chain_findings, check, check_crosschecks, check_steps
from .verdicts import Report


def default_jobs():
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _worker_start():
    # Ctrl-C reaches the whole process group: the parent stops the workers and reports it once
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def run(func, items, jobs, progress=None):
    """``[func(item) for item in items]``, over up to ``jobs`` processes; same order.
    ``progress(done, total)`` is called in this process after each result, in order."""
    items = list(items)
    total = len(items)

    def serial():
        out = []
        for item in items:
            out.append(func(item))
            if progress:
                progress(len(out), total)
        return out
    if jobs <= 1 or len(items) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return serial()
    pool = multiprocessing.get_context("fork").Pool(min(jobs, len(items)), initializer=_worker_start)
    try:
        out = []
        for result in pool.imap(func, items, chunksize=1):
            out.append(result)
            if progress:
                progress(len(out), total)
    except multiprocessing.pool.MaybeEncodingError:  # a result that does not pickle: do it here
        pool.terminate()
        pool.join()
        return serial()
    except BaseException:  # Ctrl-C or a worker's crash: stop every worker before passing it on
        pool.terminate()
        pool.join()
        raise
    pool.close()
    pool.join()
    return out


def _check_half(task):
    """A worker's part: ("steps", parts) -> those parts' verdicts; ("crosschecks", None) -> the
    cross-checks' verdicts; with the seconds it took."""
    target, index, half, parts, seed = task
    derivation = loader.derivations(target)[index]
    start = time.perf_counter()
    out = check_steps(derivation, seed=seed, parts=parts) if half == "steps" \
        else check_crosschecks(derivation, seed=seed)
    return out, time.perf_counter() - start


def _cost(derivation, half, parts=None):
    """A rough relative cost, so that the longest checks start first (the shortest finish the
    batch and no worker idles while one long check runs alone)."""
    if half == "steps":
        steps = [s for k in parts for s in derivation.part_steps(derivation.parts[k])] if parts is not None \
            else derivation.steps[1:]
        return 2 * sum(1 for s in steps if s.relation != "definition") * (1 + len(derivation.dimensions))
    return 3 * len(derivation.crosschecks)


def _tasks(derivation, jobs, share):
    """(half, parts) tasks of one derivation: its cross-checks, and its steps — one task, or,
    when its steps are more than ``share`` of the work, two halves of its parts, so that one long
    derivation does not keep a worker busy alone (parts are independent chains; a step's verdict
    does not depend on the steps before it).  Split no further: parts share grounded subterms."""
    n = len(derivation.parts)
    if jobs <= 1 or n < 2 or _cost(derivation, "steps") <= share:
        return [("steps", None), ("crosschecks", None)]
    costs = [_cost(derivation, "steps", (k,)) for k in range(n)]
    cut = min(range(1, n), key=lambda c: abs(sum(costs[:c]) - sum(costs[c:])))
    return [("steps", tuple(range(cut))), ("steps", tuple(range(cut, n))), ("crosschecks", None)]


def check_all(targets, seed, jobs):
    """[(derivation, report)] for every derivation the targets name, in their order.

    A derivation's steps and its cross-checks are independent, and so are its parts: with
    several workers each runs as a task of its own; verdicts are put back in step order."""
    derivations, tasks, owner = [], [], []
    found = {target: loader.derivations(target) for target in targets}  # broken files fail before forking
    total = sum(_cost(d, "steps") + _cost(d, "crosschecks") for ds in found.values() for d in ds)
    for target in targets:
        for i, d in enumerate(found[target]):
            for half, parts in _tasks(d, jobs, total / (2 * jobs)):
                tasks.append(((target, i, half, parts, seed), _cost(d, half, parts)))
                owner.append((len(derivations), half))
            derivations.append(d)
    order = sorted(range(len(tasks)), key=lambda k: -tasks[k][1])
    done = run(_check_half, [tasks[k][0] for k in order], jobs)
    results = [None] * len(tasks)
    for k, out in zip(order, done):
        results[k] = out
    collected = [{"steps": [], "crosschecks": [], "seconds": 0.0} for _ in derivations]
    for (n, half), (verdicts, seconds) in zip(owner, results):
        collected[n][half].extend(verdicts)
        collected[n]["seconds"] += seconds
    reports = []
    for d, c in zip(derivations, collected):
        verdicts = sorted(c["steps"], key=lambda v: v.index)
        reports.append(Report(d.name, verdicts, chain_findings(d), c["crosschecks"], c["seconds"]))
    return list(zip(derivations, reports))


def _check_problem(task):
    name, seed = task
    return check(loader.load(name), seed=seed)


def check_problems(names, seed, jobs):
    """Reports of the named problem files (e.g. an answer key's items), in order."""
    return run(_check_problem, [(n, seed) for n in names], jobs)
