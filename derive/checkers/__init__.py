"""The one registry of step relations and their checkers.

A checker is ``func(prev, step, ctx) -> Verdict`` registered under a relation name.
Every module in this package is imported, so a new step kind is one new module.
"""
import difflib
import importlib
import pkgutil

CHECKERS = {}


def checker(relation):
    def register(func):
        CHECKERS[relation] = func
        return func
    return register


def unknown_relation_message(relation):
    close = difflib.get_close_matches(relation, CHECKERS, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"no checker for step relation {relation!r}{hint}"


for _info in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_info.name}")
