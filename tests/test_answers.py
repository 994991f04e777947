"""final_answers: each part's stated result as data (numbers exact, in reading order)."""
import sympy as sp

from derive import loader
from derive.answers import final_answers


def test_numeric_results_are_exact_entries_in_reading_order():
    d = loader.build("conv2d_signal_processing", {"image": [[1, 2], [3, 4]], "kernel": [[1]]})
    first = final_answers(d)[0]
    assert first.numeric and first.shape == (2, 2)
    assert first.entries == (1, 2, 3, 4) and all(isinstance(e, sp.Integer) for e in first.entries)


def test_a_system_names_its_unknowns_and_a_formula_is_not_numeric():
    d = loader.build("dropout_least_squares", {"row": [1, 2], "target": 3, "keep": sp.Rational(1, 2)})
    answers = final_answers(d)
    system = answers[0]
    assert system.names == ("w_{1}", "w_{2}") and system.entries == (sp.Rational(3, 5), sp.Rational(6, 5))
    assert any(not a.numeric and a.entries is None for a in answers)
    assert system.floats() == (0.6, 1.2)
