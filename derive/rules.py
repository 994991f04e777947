"""The catalogue of justification rules a step may cite.

A rule documents *why* a step holds for the reader; it never makes the checker trust the
step.  Each rule names the relations it can justify, so a chain-rule citation on an
equality step is caught as a broken problem file.  Checker modules register their own.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    name: str
    text: str
    relations: tuple


RULES = {}


def register_rule(name, text, relations=("=",)):
    """Add a rule; registering one name twice with a different meaning is an error."""
    rule = Rule(name, text, tuple(relations))
    if name in RULES and RULES[name] != rule:
        raise ValueError(f"rule {name!r} is already registered as {RULES[name]}")
    RULES[name] = rule
    return rule


for _name, _text in [
    ("definition", "the quantity as defined in the problem"),
    ("expand-square", r"expand the squared norm: $\|a - b\|^2 = a^\top a - 2 b^\top a + b^\top b$"),
    ("linearity-of-expectation", "expectation is linear and passes through constant factors"),
    ("mean-of-masked-matrix", "entrywise mean of R ∘ X from the declared distribution of R"),
    ("second-moment-of-masked-gram", r"entrywise second moments of $(R \odot X)^\top (R \odot X)$, independent entries"),
    ("distribute", "multiply out a product over a sum"),
    ("collect", "collect like terms"),
    ("regroup-norms", "recognise the expanded terms as squared norms"),
    ("diagonal-square-root", r"$w^\top D w = \|D^{1/2} w\|^2$ for diagonal $D$ with non-negative entries"),
    ("algebra", "elementary algebra"),
    ("variance-of-uncorrelated-sum", "the variance of a sum of pairwise uncorrelated terms is the sum of their variances"),
    ("variance-of-zero-mean-product", r"$\operatorname{Var}[ab] = \mathbb{E}[a^2]\, \mathbb{E}[b^2]$ for independent $a$, $b$ with zero mean"),
    ("mean-of-independent-product", "E[ab] = E[a] E[b] for independent a, b; linearity"),
    ("declared-moments", "the declared means and variances"),
    ("count-terms", "a sum of equal terms is their number times one term"),
    ("second-moment-of-relu", r"$\mathbb{E}[\operatorname{relu}(z)^2] = \mathbb{E}[z^2]/2$ for $z$ symmetric about 0"),
]:
    register_rule(_name, _text)


def unknown_rule_message(name, own=()):
    import difflib
    close = difflib.get_close_matches(name, [*RULES, *own], n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return (f"unknown rule {name!r}{hint} (`derive rules` lists the catalogue; "
            f"D.rule(name, description) names a rule of your own)")
