"""Moodle XML quizzes of verified variants (derive.lms).

Moodle publishes no XML schema (XSD) for its question format and none is on PyPI, so the quiz
is checked by a strict structural validator written here: the document parses (xml.etree), has
the elements Moodle's importer reads, every Cloze blank matches Moodle's own Cloze grammar (the
regular expressions of question/type/multianswer/questiontype.php, restated below), and the HTML
inside parses with only the tags derive writes.
"""
import copy
import html
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
import sympy as sp

from derive.answers import final_answers
from derive.errors import ProblemError
from derive.lms import DEFAULT_TOLERANCE, moodle_quiz
from derive.params import BadParam
from derive.variants import drawn

# Moodle's Cloze grammar: a blank starts "{weight:TYPE:"; a NUMERICAL alternative is
# "number" or "number:margin" with an optional "=" or "%n%" fraction before it.
NUMBER = r"-?(?:[0-9]+[.,]?[0-9]*|[.,][0-9]+)(?:[eE][-+]?[0-9]+)?"
TYPES = (r"NUMERICAL|NM|MULTICHOICE(?:_[VH]?S?)?|MC[VH]?S?|SHORTANSWER(?:_C)?|SA|MW|SAC|MWC|"
         r"MULTIRESPONSE(?:_H?S?)?|MR[HS]{0,2}")
BLANK_START = re.compile(r"\{([0-9]*):(" + TYPES + r"):")
OUR_BLANK = re.compile(r"\{1:NUMERICAL:=(" + NUMBER + r"):(" + NUMBER + r")\}")
FIXED = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")  # what derive writes: no exponent, no comma
ALLOWED_TAGS = {"p", "strong", "em", "span", "ul", "li", "h4", "table", "tr", "td"}


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def html_of(fragment):
    """(tags, text) of an HTML fragment."""
    parser = _Tags()
    parser.feed(fragment)
    parser.close()
    return parser.tags, "".join(parser.text)


def _one(elem, path):
    found = elem.findall(path)
    assert len(found) == 1, f"expected one <{path}> in <{elem.tag}>, found {len(found)}"
    return found[0]


def validate(xml_text, chosen, tolerance=DEFAULT_TOLERANCE):
    """Check a quiz strictly against what Moodle's XML importer reads; return its questions."""
    assert xml_text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(xml_text.encode("utf-8"))
    assert root.tag == "quiz" and not root.attrib and not (root.text or "").strip()
    questions = list(root)
    assert all(q.tag == "question" for q in questions)
    category, questions = questions[0], questions[1:]
    assert category.get("type") == "category"
    assert _one(category, "category/text").text.strip()
    assert len(questions) == len(chosen)
    names = set()
    for q, (values, derivation, _) in zip(questions, chosen):
        assert q.get("type") in ("cloze", "numerical")
        assert set(q.attrib) == {"type"}
        name = _one(q, "name/text").text
        assert name and name not in names
        names.add(name)
        qtext = _one(q, "questiontext")
        assert qtext.get("format") == "html"
        body = _one(qtext, "text").text
        feedback = _one(q, "generalfeedback")
        assert feedback.get("format") == "html" and _one(feedback, "text").text.strip()
        for fragment in (body, _one(feedback, "text").text):
            tags, _ = html_of(fragment)
            assert set(tags) <= ALLOWED_TAGS, set(tags) - ALLOWED_TAGS
        float(_one(q, "penalty").text)
        assert _one(q, "hidden").text == "0"
        entries = [e for a in final_answers(derivation) if a.numeric for e in a.entries]
        if q.get("type") == "cloze":
            starts = BLANK_START.findall(body)
            blanks = OUR_BLANK.findall(body)
            assert len(starts) == len(blanks) == len(entries), (len(starts), len(blanks), len(entries))
            pairs = blanks
            assert not q.findall("answer")
        else:
            assert len(entries) == 1 and not BLANK_START.findall(body)
            answer = _one(q, "answer")
            assert answer.get("fraction") == "100"
            pairs = [(_one(answer, "text").text, _one(answer, "tolerance").text)]
            assert _one(q, "showunits").text == "3"
        for (value, margin), exact in zip(pairs, entries):
            assert FIXED.fullmatch(value) and FIXED.fullmatch(margin), (value, margin)
            assert float(value) == float(sp.N(exact, 17))
            if sp.sympify(exact).is_integer:
                assert value == str(int(exact)) and margin == "0"
            else:  # at least the relative margin, rounded up by less than 1 %
                want = tolerance * abs(float(value))
                assert want <= float(margin) <= want * 1.01 + 1e-300
                three = float(f"{float(value):.3g}")  # three significant figures pass, two do not
                assert abs(three - float(value)) <= float(margin)
                two = float(f"{float(value):.2g}")
                if abs(two - float(value)) > 0.011 * abs(float(value)):
                    assert abs(two - float(value)) > float(margin)
    return questions


PROBLEMS = [("filter_recovery", 3, 3), ("batchnorm_statistics", 5, 2), ("dropout_least_squares", 2, 2)]


@pytest.fixture(scope="module")
def variants():
    return {name: drawn(name, seed, count) for name, seed, count in PROBLEMS}


@pytest.mark.parametrize("name", [p[0] for p in PROBLEMS])
def test_quiz_is_valid_moodle_xml(variants, name):
    chosen = variants[name]
    quiz = moodle_quiz(name, chosen)
    questions = validate(quiz, chosen)
    assert {q.get("type") for q in questions} == {"cloze"}
    assert quiz.count("<![CDATA[") == 1 + 2 * len(chosen)
    assert f"$course$/top/derive/{name}" in quiz


def test_question_text_states_the_variant(variants):
    chosen = variants["filter_recovery"]
    questions = validate(moodle_quiz("filter_recovery", chosen), chosen)
    for q, (values, _, _) in zip(questions, chosen):
        body = _one(q, "questiontext/text").text
        _, text = html_of(body)
        assert "Find the filter" in text and "\\(" in text  # MathJax delimiters survive as text
        assert ", ".join(str(v) for v in values["signal"]) in text  # the parameters as math
        assert _one(q, "name/text").text.startswith("filter_recovery v")


def test_matrix_answer_is_a_table_of_blanks():
    chosen = drawn("conv2d_signal_processing", 1, 1)
    quiz = moodle_quiz("conv2d_signal_processing", chosen)
    [q] = validate(quiz, chosen)
    body = _one(q, "questiontext/text").text
    tags, _ = html_of(body)
    assert tags.count("table") == 3 and tags.count("td") == 6 + 20 + 6


def test_output_is_deterministic(variants):
    chosen = variants["dropout_least_squares"]
    first = moodle_quiz("dropout_least_squares", chosen).encode()
    assert first == moodle_quiz("dropout_least_squares", chosen).encode()
    again = drawn("dropout_least_squares", 2, 2)
    assert moodle_quiz("dropout_least_squares", again).encode() == first


def test_custom_category_and_tolerance(variants):
    chosen = variants["dropout_least_squares"]
    quiz = moodle_quiz("dropout_least_squares", chosen, tolerance=0.01, category="$course$/top/Exam <1> & co")
    validate(quiz, chosen, tolerance=0.01)
    root = ET.fromstring(quiz)
    assert _one(root[0], "category/text").text == "$course$/top/Exam <1> & co"


@pytest.mark.parametrize("bad", [-0.1, 1, 2.5, "0.01", True, None])
def test_bad_tolerance_is_refused(variants, bad):
    with pytest.raises(BadParam, match="tolerance"):
        moodle_quiz("filter_recovery", variants["filter_recovery"], tolerance=bad)


HOSTILE = "</text>]]><script>alert(1)</script>"


def test_hostile_text_cannot_break_the_xml_or_inject_html(variants):
    values, derivation, report = variants["filter_recovery"][0]
    evil = copy.copy(derivation)
    evil.statement = (f"Evil {HOSTILE} <img src=x onerror=alert(2)> {{1:NUMERICAL:=5:0}} {{:SA:=x}} "
                      f"]]]]><![CDATA[ $a {HOSTILE} b$ $x_{{1:NUMERICAL:=1}}$ end \x01")
    evil.title = HOSTILE
    hostile_values = dict(values, **{HOSTILE: HOSTILE, "ok]]>": [1, 2]})
    chosen = [(hostile_values, evil, report)]
    quiz = moodle_quiz("filter_recovery", chosen, category=HOSTILE)
    [q] = validate(quiz, chosen)  # parses; exactly the three real blanks; only derive's tags
    body = _one(q, "questiontext/text").text
    tags, text = html_of(body)
    assert "script" not in tags and "img" not in tags
    assert HOSTILE in text and "<img src=x" in text  # shown as text, not markup
    assert "{1:NUMERICAL:=5:0}" in html.unescape(body)  # visible to the student, not a blank
    assert "[U+0001]" in text
    assert _one(ET.fromstring(quiz)[0], "category/text").text == HOSTILE


def test_single_number_becomes_a_numerical_question(variants):
    values, derivation, report = variants["batchnorm_statistics"][0]
    one = copy.copy(derivation)
    one.parts = derivation.parts[:1]  # only the mean: one numeric entry
    chosen = [(values, one, report)]
    quiz = moodle_quiz("batchnorm_statistics", chosen)
    [q] = validate(quiz, chosen)
    assert q.get("type") == "numerical"
    assert _one(q, "answer/text").text == str(int(final_answers(one)[0].entries[0]))


def test_variant_without_numeric_answers_is_refused():
    chosen = drawn("fir_response", 1, 1)
    assert not any(a.numeric for a in final_answers(chosen[0][1]))
    with pytest.raises(ProblemError, match=r"fir_response: variant 1 .*no numeric answer"):
        moodle_quiz("fir_response", chosen)


def test_unverified_variant_is_refused(variants):
    values, derivation, _ = variants["filter_recovery"][0]
    with pytest.raises(ProblemError, match="did not verify"):
        moodle_quiz("filter_recovery", [(values, derivation, SimpleNamespace(ok=False))])


def test_cdata_splits_its_terminator_and_drops_illegal_characters():
    from derive.lms import _cdata
    wrapped = f"<t>{_cdata('a ]]> b ]]]]> c' + chr(0) + chr(0xFFFE))}</t>"
    assert ET.fromstring(wrapped).text == "a ]]> b ]]]]> c[U+0000][U+FFFE]"


@pytest.mark.parametrize("exact, value, margin", [
    (sp.Integer(-12), "-12", "0"), (sp.Rational(1, 3), "0.3333333333333333", "0.00167"),
    (sp.Rational(-9, 86), "-0.10465116279069768", "0.000524"), (sp.Rational(1, 100000), "0.00001", "0.00000005"),
    (sp.sqrt(2), "1.4142135623730951", "0.00708"), (sp.Integer(10) ** 20, "100000000000000000000", "0"),
])
def test_values_and_margins_are_fixed_point(exact, value, margin):
    from derive.lms import tolerance_text, value_text
    assert (value_text(exact), tolerance_text(exact)) == (value, margin)
