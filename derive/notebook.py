"""Jupyter display: a Derivation, a check Report and a Homework show themselves in a notebook.

``_repr_html_`` / ``_repr_markdown_`` are attached to those classes here (``install``, run when
``derive`` is imported), so the core modules do not import the renderers: the display goes one
way, from the core to its output, and no import cycle passes through it.  A derivation or key
displays checked, as ``derive render NAME --html`` / ``--md`` shows it; a display never raises.
"""


def _checked(derivation):
    from .checking import check
    return check(derivation)


def derivation_repr(derivation, fmt):
    """A derivation checked and shown in a notebook (``Derivation._repr_html_`` / ``_markdown_``)."""
    from .render import render_derivation
    return render_derivation(derivation, _checked(derivation), fmt=fmt, standalone=False)


def report_repr(report, fmt):
    """A check report: one line per step and cross-check (``Report._repr_html_`` / ``_markdown_``)."""
    from .render import environment
    from .web import PROSE, template_globals
    env = environment(fmt)
    prose = PROSE[fmt]

    def row(v, number):
        return {"number": number, "ok": v.ok, "label": prose(v.label.value), "evidence": prose(v.evidence()),
                "detail": prose(v.detail),
                "counterexample": prose(v.counterexample.describe()) if v.counterexample else ""}
    rows = [row(v, v.number) for v in report.verdicts] + [row(v, "cross-check") for v in report.extras]
    return env.get_template(f"report.{fmt}.j2").render(
        name=prose(report.name), ok=report.ok, rows=rows, findings=[prose(f) for f in report.findings],
        seconds=f"{report.seconds:.2f}", steps=len(report.verdicts), **template_globals(fmt))


def homework_repr(homework, fmt):
    """A whole answer key, every problem loaded and checked (``Homework._repr_html_`` / ``_markdown_``)."""
    from . import loader
    from .render import render_homework
    entries = []
    for item in homework.items:
        if item.problem is None:
            entries.append((item, None, None))
        else:
            der = loader.load(item.problem)
            entries.append((item, der, _checked(der)))
    return render_homework(homework, entries, fmt=fmt, standalone=False)


def safe_repr(func, *args):
    """A repr never raises in a notebook: a broken problem shows as one escaped line."""
    try:
        return func(*args)
    except Exception as exc:  # noqa: BLE001 - IPython would print a traceback for the repr
        from markupsafe import Markup
        from .web import markdown_prose
        fmt = args[-1]
        message = f"derive could not display this: {type(exc).__name__}: {exc}"
        return Markup("<p class=\"derive-error\">{}</p>").format(message) if fmt == "html" \
            else markdown_prose(message)


def install():
    """Give Derivation, Report and Homework their notebook displays (idempotent)."""
    from .derivation import Derivation
    from .homework import Homework
    from .verdicts import Report
    for cls, func in ((Derivation, derivation_repr), (Report, report_repr), (Homework, homework_repr)):
        cls._repr_html_ = _display(func, "html")
        cls._repr_markdown_ = _display(func, "md")


def _display(func, fmt):
    def show(self):
        return safe_repr(func, self, fmt)
    show.__doc__ = f"{func.__doc__.splitlines()[0]} ({fmt})"
    return show
