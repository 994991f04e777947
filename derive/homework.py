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


def discussion(number, title, statement, answer):
    """An item with a short model answer that is not machine-checked."""
    return Item(number, None, title, statement, answer)
