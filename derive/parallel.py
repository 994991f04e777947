"""Checks spread over processes, results in the order asked for.

Workers are forked (Linux), so they start with the parent's loaded problem files and
verdict cache; each check runs in a worker's main thread, where the per-step SIGALRM time
limit works as in-process.  ``jobs <= 1`` runs everything in this process.
"""
import multiprocessing
import multiprocessing.pool
import os
import signal

from . import loader
from .checking import check


def default_jobs():
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _worker_start():
    # Ctrl-C reaches the whole process group: the parent stops the workers and reports it once
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def run(func, items, jobs):
    """``[func(item) for item in items]``, over up to ``jobs`` processes; same order."""
    items = list(items)
    if jobs <= 1 or len(items) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [func(item) for item in items]
    pool = multiprocessing.get_context("fork").Pool(min(jobs, len(items)), initializer=_worker_start)
    try:
        out = pool.map(func, items, chunksize=1)
    except multiprocessing.pool.MaybeEncodingError:  # a result that does not pickle: do it here
        pool.terminate()
        pool.join()
        return [func(item) for item in items]
    except BaseException:  # Ctrl-C or a worker's crash: stop every worker before passing it on
        pool.terminate()
        pool.join()
        raise
    pool.close()
    pool.join()
    return out


def _check_one(task):
    target, index, seed = task
    return check(loader.derivations(target)[index], seed=seed)


def check_all(targets, seed, jobs):
    """[(derivation, report)] for every derivation the targets name, in their order."""
    derivations, tasks = [], []
    for target in targets:
        found = loader.derivations(target)  # loaded here, so broken files fail before forking
        derivations.extend(found)
        tasks.extend((target, i, seed) for i in range(len(found)))
    return list(zip(derivations, run(_check_one, tasks, jobs)))


def _check_problem(task):
    name, seed = task
    return check(loader.load(name), seed=seed)


def check_problems(names, seed, jobs):
    """Reports of the named problem files (e.g. an answer key's items), in order."""
    return run(_check_problem, [(n, seed) for n in names], jobs)
