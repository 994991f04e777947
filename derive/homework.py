"""A homework answer key: problems in the homework's order, with their numbering."""
from dataclasses import dataclass, field


@dataclass
class Item:
    number: str  # as printed, e.g. "Q1(b)"
    problem: str | None = None  # a derivation name in problems/, or None for free text
    title: str = ""
    statement: str = ""  # for free-text items
    answer: str = ""  # model answer of a free-text item: never machine-checked
    params: dict = field(default_factory=dict)
    figure: str | None = None  # discussion item: TikZ/pgfplots code made by derive.plots, printed in the PDF
    caption: str = ""  # prose under the figure ($...$ is mathematics)

    @property
    def checked(self):
        return self.problem is not None


@dataclass
class Homework:
    name: str
    title: str
    course: str
    items: list

    def problems(self):
        return [i.problem for i in self.items if i.problem]


def derivation(number, problem, **params):
    """An item answered by a verified derivation."""
    return Item(number, problem, params=params)


def discussion(number, title, statement, answer, figure=None, caption=""):
    """An item with a short model answer that is not machine-checked.  ``figure``: TikZ code
    produced by a plotting function of derive.plots (e.g. gaussian_contours), printed with its
    ``caption`` under the model answer in the PDF; Markdown and HTML print a placeholder."""
    return Item(number, None, title, statement, answer, figure=figure, caption=caption)
