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
from .cache import KeyInputs
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


_KEYS = {}  # (target, index) -> (derivation, KeyInputs): the halves of one derivation in one process share keys


def _check_half(task):
    target, index, half, seed = task
    derivation = loader.derivations(target)[index]
    held = _KEYS.get((target, index))
    if held is None or held[0] is not derivation:
        held = _KEYS[(target, index)] = (derivation, KeyInputs(derivation))
    keys = held[1]
    start = time.perf_counter()
    out = (check_steps(derivation, seed=seed, keys=keys) if half == "steps"
           else check_crosschecks(derivation, seed=seed, keys=keys))
    return out, time.perf_counter() - start


def _cost(derivation, half):
    """A rough relative cost, so that the longest checks start first (the shortest finish the
    batch and no worker idles while one long check runs alone)."""
    if half == "steps":
        return 2 * sum(1 for s in derivation.steps[1:] if s.relation != "definition") * (1 + len(derivation.dimensions))
    return 3 * len(derivation.crosschecks)


def check_all(targets, seed, jobs):
    """[(derivation, report)] for every derivation the targets name, in their order.

    A derivation's steps and its cross-checks are independent, so they run as two tasks."""
    derivations, tasks = [], []
    for target in targets:
        found = loader.derivations(target)  # loaded here, so broken files fail before forking
        derivations.extend(found)
        for i, d in enumerate(found):
            tasks.extend(((target, i, half, seed), _cost(d, half)) for half in ("steps", "crosschecks"))
    order = sorted(range(len(tasks)), key=lambda k: -tasks[k][1])
    done = run(_check_half, [tasks[k][0] for k in order], jobs)
    results = [None] * len(tasks)
    for k, out in zip(order, done):
        results[k] = out
    _KEYS.clear()
    reports = []
    for n, d in enumerate(derivations):
        (verdicts, t_steps), (extras, t_cross) = results[2 * n], results[2 * n + 1]
        reports.append(Report(d.name, verdicts, chain_findings(d), extras, t_steps + t_cross))
    return list(zip(derivations, reports))


def _check_problem(task):
    name, seed = task
    return check(loader.load(name), seed=seed)


def check_problems(names, seed, jobs):
    """Reports of the named problem files (e.g. an answer key's items), in order."""
    return run(_check_problem, [(n, seed) for n in names], jobs)
