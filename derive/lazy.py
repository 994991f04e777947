"""Modules imported when first used: ``from .lazy import numpy as np``.

numpy serves cross-checks, figures and numeric evidence only; a command that needs none of them
(a warm ``derive check``, ``derive rules``) does not pay for importing it."""
import importlib


class LazyModule:
    """A stand-in for a module: the first attribute read imports it and forwards to it."""

    def __init__(self, name):
        self._name = name
        self._module = None

    def __getattr__(self, attr):
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attr)

    def __repr__(self):
        return f"<lazy module {self._name!r}{' (imported)' if self._module is not None else ''}>"


numpy = LazyModule("numpy")
