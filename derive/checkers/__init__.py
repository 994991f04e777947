"""The one registry of step relations and their checkers.

A checker is ``func(prev, step, ctx) -> Verdict`` registered under a relation name.
Every module in this package is imported, so a new step kind is one new module.
"""
import difflib
import importlib
import pkgutil

CHECKERS = {}
SYMBOLS = {"definition": "="}  # how each relation is printed between two steps


def checker(relation, symbol=None):
    """Register ``func(prev, step, ctx) -> Verdict`` for a relation (printed as ``symbol``)."""
    def register(func):
        CHECKERS[relation] = func
        SYMBOLS[relation] = symbol or SYMBOLS.get(relation) or _DEFAULT_SYMBOLS.get(relation, "=")
        return func
    return register


_DEFAULT_SYMBOLS = {"<=": r"\le", ">=": r"\ge", "<": "<", ">": ">", "<=>": r"\iff",
                    "=>": r"\Rightarrow", "solve": r"\Rightarrow", "property": r"\Rightarrow",
                    "asymptotic": r"\sim"}


def unknown_relation_message(relation):
    close = difflib.get_close_matches(relation, CHECKERS, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"no checker for step relation {relation!r}{hint}"


for _info in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_info.name}")
