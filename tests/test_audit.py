"""derive audit: written chains checked step by step (../shared/audit/examples.json, and documents)."""
import json
import re
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from derive.audit.chain import audit_chain, first_wrong
from derive.audit.declarations import from_dict
from derive.audit.segment import chains
from derive.convolution import iprod
from derive.cli import main

# a copy of ../shared/audit/examples.json, so that a clone alone runs it
EXAMPLES = Path(__file__).resolve().parent / "data" / "audit-examples.json"
CASES = json.loads(EXAMPLES.read_text())["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_shared_example_verdicts(case):
    assert json.loads(EXAMPLES.read_text())["format"] == "derive-audit-cases/1"
    steps = audit_chain(from_dict(case["given"], case["id"]), [(s["tex"], s["rel"]) for s in case["steps"]])
    assert [s.kind for s in steps] == [s["expect"] for s in case["steps"]], [(s.kind, s.message) for s in steps]
    assert first_wrong(steps) == case["first_wrong"]


NEWTON_SCHULZ = textwrap.dedent(r"""
    ---
    dims: ["d_{out}", "d_{in}"]
    matrices:
      W: ["d_{out}", "d_{in}"]
    ---
    We expand the product first.

    $$
    \frac{1}{2}(3I_{d_{out}} - WW^\top)W = \frac{1}{2}(3W - WW^\top W)
    $$

    then factor $W$ out on the right:

    \begin{align}
    &= \frac{1}{2}(3W - W^\top W W) \\
    &= \frac{1}{2}W(3I_{d_{in}} - W^\top W)
    \end{align}
    """).lstrip()


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_segmentation_continues_a_chain_across_displays():
    body = NEWTON_SCHULZ.split("---", 2)[2]
    (chain,) = chains(body)
    assert chain.relations == [None, "=", "=", "="]
    assert chain.steps[2].startswith(r"\frac{1}{2}(3W - W^\top W W)")
    assert "factor" in chain.prose[2]


def test_a_slip_is_the_first_wrong_step_with_its_line(tmp_path):
    path = _write(tmp_path, "ns.md", NEWTON_SCHULZ)
    result = CliRunner().invoke(main, ["audit", path])
    assert result.exit_code == 1, result.output
    assert "first wrong step: 2 (line 14)" in result.output
    doc = json.loads(CliRunner().invoke(main, ["audit", path, "--json"]).output)
    kinds = [s["verdict"] for s in doc["chains"][0]["steps"]]
    assert kinds == ["start", "valid", "ill-formed", "valid"] and doc["chains"][0]["first_wrong"] == 2


def test_a_wrong_coefficient_is_invalid_with_a_counterexample(tmp_path):
    text = NEWTON_SCHULZ.replace(r"&= \frac{1}{2}(3W - W^\top W W) \\", "").replace(
        r"\frac{1}{2}W(3I_{d_{in}} - W^\top W)", r"\frac{1}{2}W(2I_{d_{in}} - W^\top W)")
    result = CliRunner().invoke(main, ["audit", "--json", _write(tmp_path, "ns.md", text)])
    assert result.exit_code == 1
    step = json.loads(result.output)["chains"][0]["steps"][2]
    assert step["verdict"] == "invalid" and step["evidence"]["counterexample"]


def test_a_correct_document_exits_0(tmp_path):
    text = NEWTON_SCHULZ.replace(r"&= \frac{1}{2}(3W - W^\top W W) \\", "")
    result = CliRunner().invoke(main, ["audit", _write(tmp_path, "ns.md", text)])
    assert result.exit_code == 0, result.output


def test_latex_with_a_declaration_block(tmp_path):
    text = textwrap.dedent(r"""
        % derive:
        % dims: [n]
        % matrices:
        %   A: [n, n]
        \begin{equation*}
        (A + A^T)^T = A^T + A
        \end{equation*}
        """)
    assert CliRunner().invoke(main, ["audit", _write(tmp_path, "a.tex", text)]).exit_code == 0


def test_an_undeclared_name_is_unparsed_and_named(tmp_path):
    text = NEWTON_SCHULZ.replace(r"\frac{1}{2}(3W - WW^\top W)", r"\frac{1}{2}(3W - WV^\top W)", 1)
    doc = json.loads(CliRunner().invoke(main, ["audit", "--json", _write(tmp_path, "ns.md", text)]).output)
    step = doc["chains"][0]["steps"][1]
    assert step["verdict"] == "unparsed" and "V" in step["message"]


@pytest.mark.parametrize("text", ["no front matter\n$$ x = x $$\n", "---\ndims: [n\n---\n$$ n = n $$\n",
                                  "---\ndims: [n]\n---\nno displays at all\n", "---\nunknown_key: 1\n---\n$$n=n$$\n"])
def test_unusable_input_is_exit_2_without_traceback(tmp_path, text):
    result = CliRunner().invoke(main, ["audit", _write(tmp_path, "x.md", text)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "Error:" in result.output


def test_a_missing_file_is_exit_2(tmp_path):
    assert CliRunner().invoke(main, ["audit", str(tmp_path / "nope.md")]).exit_code == 2


def test_declarations_reused_from_a_problem(tmp_path):
    text = "$$\n\\|y - X w\\|_2^2 = y^T y - 2 y^T X w + w^T X^T X w\n$$\n"
    result = CliRunner().invoke(main, ["audit", _write(tmp_path, "d.md", text), "--given", "dropout_tikhonov"])
    assert result.exit_code == 0, result.output


def test_identity_with_a_declared_subscript_and_a_slip_after_it():
    given = {"dims": ["n", "d"], "matrices": {"X": ["n", "d"]}, "vectors": {"y": "n", "w": "d"},
             "scalars": {r"\lambda": "positive"}}
    written = [(r"w^\top X^\top X w + \lambda w^\top w", None),
               (r"w^\top (X^\top X + \lambda I_d) w", "="),
               (r"w^\top (X X^\top + \lambda I_d) w", "=")]  # a transposed product: ill-formed unless n = d
    steps = audit_chain(from_dict(given, "t"), written)
    assert [s.kind for s in steps] == ["start", "valid", "ill-formed"]


def test_audit_json_follows_the_report_schema(tmp_path):
    import jsonschema
    from derive.contract import schema
    for text in (NEWTON_SCHULZ, "no front matter\n"):
        result = CliRunner().invoke(main, ["audit", "--json", _write(tmp_path, "ns.md", text)])
        doc = json.loads(result.stdout)
        jsonschema.validate(doc, schema())
        assert doc["command"] == "audit" and doc["exit_code"] == result.exit_code


def test_grading_a_folder_writes_a_row_per_file(tmp_path):
    import csv
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "a.md").write_text(NEWTON_SCHULZ)  # one ill-formed step, then a valid one
    (subs / "b.md").write_text(NEWTON_SCHULZ.replace(r"&= \frac{1}{2}(3W - W^\top W W) \\", ""))
    (subs / "c.md").write_text("not a derivation\n")  # broken: a row, never a crash
    out = tmp_path / "grades.csv"
    result = CliRunner().invoke(main, ["audit", str(subs), "--csv", str(out),
                                       "--answer", r"\frac{1}{2}W(3I_{d_{in}} - W^\top W)"])
    assert result.exit_code == 0, result.output
    with out.open() as f:
        rows = {r["file"]: r for r in csv.DictReader(f)}
    assert rows["a.md"]["first_wrong_step"] == "2" and rows["a.md"]["credit"] == "0.33"
    assert rows["a.md"]["credit_carried"] == "0.67" and rows["a.md"]["answer"] == "yes"
    assert rows["b.md"]["credit"] == "1.00" and rows["b.md"]["first_wrong_step"] == ""
    assert rows["c.md"]["error"] and rows["c.md"]["credit"] == "0"


def test_a_folder_without_csv_is_bad_usage(tmp_path):
    assert CliRunner().invoke(main, ["audit", str(tmp_path)]).exit_code == 2


def test_equal_up_to_an_additive_constant_in_the_declared_variable():
    doc = Path(__file__).resolve().parent / "data" / "audit-const.md"
    result = CliRunner().invoke(main, ["audit", "--json", str(doc)])
    steps = json.loads(result.output)["chains"][0]["steps"]
    # dropping ||y||^2 into the constant is fine; dropping the 2 and the λ term is not
    assert [s["verdict"] for s in steps] == ["start", "valid", "valid", "invalid"]
    assert result.exit_code == 1


def test_a_constant_needs_its_variable_declared(tmp_path):
    text = (Path(__file__).resolve().parent / "data" / "audit-const.md").read_text().replace("const: w\n", "")
    doc = json.loads(CliRunner().invoke(main, ["audit", "--json", _write(tmp_path, "c.md", text)]).output)
    assert doc["chains"][0]["steps"][1]["verdict"] == "unparsed"


def test_a_markdown_report_shows_the_authors_lines_and_the_first_wrong_step(tmp_path):
    report = tmp_path / "report.md"
    result = CliRunner().invoke(main, ["audit", _write(tmp_path, "ns.md", NEWTON_SCHULZ), "--report", str(report)])
    assert result.exit_code == 1
    text = report.read_text()
    assert r"$\frac{1}{2}(3W - W^\top W W)$ | ill-formed" in text and "First wrong step: 2** (line 14)" in text
    bad = CliRunner().invoke(main, ["audit", _write(tmp_path, "ns.md", NEWTON_SCHULZ), "--report", "/proc/x/r.md"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output


RELATIONS_DOC = textwrap.dedent(r"""
    ---
    scalars:
      x: positive
      a: real
      w: real
    const: w
    ---
    $$ x^2 + 1 \ge x^2 $$

    $$ x + 1 \le x $$

    $$ x < x + 1 $$

    $$ \frac{1}{3} x \approx 0.333 x \approx 0.3 x $$

    $$ \frac{1}{3} x \approx 0.35 x $$

    $$ \frac{1}{3} x \approx x $$

    $$ \exp(-(w - a)^2) \propto \exp(-w^2 + 2 a w) \propto \exp(-w^2 + 3 w) $$
    """)


def test_relations_beyond_equality(tmp_path):
    doc = tmp_path / "relations.md"
    doc.write_text(RELATIONS_DOC.lstrip())
    result = CliRunner().invoke(main, ["audit", str(doc), "--json"])
    assert result.exit_code == 1
    kinds = [[s["verdict"] for s in c["steps"]] for c in json.loads(result.output)["chains"]]
    assert kinds == [
        ["start", "undecided"],           # ≥ holds at every instance, but no lemma shows it everywhere
        ["start", "invalid"],             # ≤ refuted at an exact point
        ["start", "undecided"],           # <: strictness is never claimed as checked
        ["start", "valid", "valid"],      # ≈ to the coarsest written decimal (0.333, then 0.3)
        ["start", "invalid"],             # 1/3 is not 0.35 to two digits
        ["start", "undecided"],           # ≈ with no written precision
        ["start", "valid", "invalid"],    # ∝ in w: the ratio is free of w, then it is not
    ]
    steps = json.loads(result.output)["chains"][3]["steps"]
    assert steps[1]["evidence"]["label"] == "numerically checked"


def test_proportional_needs_its_variable(tmp_path):
    doc = tmp_path / "p.md"
    doc.write_text("---\nscalars:\n  w: real\n---\n$$ 2 w \\propto w $$\n")
    result = CliRunner().invoke(main, ["audit", str(doc), "--json"])
    step = json.loads(result.output)["chains"][0]["steps"][1]
    assert step["verdict"] == "unparsed" and "const: w" in step["message"]


# -- sums, entries and derivatives ------------------------------------------------------------
CALC = {"dims": ["n", "d"], "matrices": {"X": ["n", "d"]}, "vectors": {"y": "n", "w": "d", "x": "n"},
        "scalars": {r"\lambda": "positive", r"\mu": "real", "a": "real"},
        "indices": {"i": "n", "j": [1, "d"], "k": "d"}}


def _reader(given=CALC):
    decl = from_dict(given, "t")
    return decl, decl.reader()


def test_sums_entries_and_derivatives_are_the_engines_objects():
    import sympy as sp
    from derive import grad, isum, partial, sqnorm
    from derive.calculus import Entry
    from derive.audit.parser import index_symbol
    decl, r = _reader()
    X, y, w, x, mu, n, d = (decl.table[k] for k in ("X", "y", "w", "x", r"\mu", "n", "d"))
    i, j, k = (index_symbol(c) for c in "ijk")
    assert r.parse(r"\sum_{i=1}^{n} x_i").expr == isum(Entry(x, i), (i, 1, n))
    assert r.parse(r"\sum_i x_i").expr == isum(Entry(x, i), (i, 1, n))  # the range declared in indices
    assert r.parse(r"\sum_{i,j} X_{ij}").expr == isum(Entry(X, i, j), (i, 1, n), (j, 1, d))
    assert r.parse(r"\sum_{i=1}^{n} \sum_{j=1}^{d} X_{i,j} w_j").expr == \
        isum(isum(Entry(X, i, j) * Entry(w, j), (j, 1, d)), (i, 1, n))
    assert r.parse(r"\frac{\partial \mu^2}{\partial \mu}").expr == partial(mu ** 2, mu)
    assert r.parse(r"\partial_\mu \mu^2").expr == partial(mu ** 2, mu)
    assert r.parse(r"\frac{\partial}{\partial w} \|y - Xw\|_2^2").expr == grad(sqnorm(y - X * w), w)
    assert r.parse(r"\nabla_{w} \|y - Xw\|_2^2").expr == grad(sqnorm(y - X * w), w)
    free = r.parse(r"\frac{\partial \mu w_k}{\partial w_k}")
    assert free.free == (k,) and free.expr == partial(mu * Entry(w, k), Entry(w, k))
    # a sum applies to the factors after it, up to the next + or - outside brackets
    assert r.parse(r"\frac{1}{n}\sum_{i=1}^{n} x_i x_i + \mu").expr == \
        sp.Rational(1, 1) / n * isum(Entry(x, i) * Entry(x, i), (i, 1, n)) + mu


@pytest.mark.parametrize("steps, kinds", [
    ([r"\sum_{k=1}^{n} k", r"\frac{n(n+1)}{2}"], ["start", "valid"]),
    ([r"\sum_{k=1}^{n} k", r"\frac{n(n+1)}{2} + (n-2)(n-3)"], ["start", "invalid"]),  # equal at n = 2, 3 only
    ([r"\sum_{m=0}^{3} 0^m", "1"], ["start", "valid"]),  # 0^0 = 1: no positivity is assumed of an index
    ([r"\frac{\partial}{\partial \mu} \sum_{i=1}^{n} (x_i - \mu)^2", r"2n\mu - 2\sum_i x_i"], ["start", "valid"]),
    ([r"\frac{\partial}{\partial \mu} \sum_{i=1}^{n} (x_i - \mu)^2",
      r"2(n + (n-2)(n-3)(d-2)(d-3))\mu - 2\sum_i x_i"], ["start", "invalid"]),  # a factor equal to n at 2 and 3
    ([r"\nabla_w (\|y - Xw\|_2^2 + \lambda \|w\|_2^2)", r"2X^\top (Xw - y) + 2\lambda w"], ["start", "valid"]),
    ([r"\nabla_w (\|y - Xw\|_2^2 + \lambda \|w\|_2^2)", r"2X (Xw - y) + 2\lambda w"], ["start", "ill-formed"]),
    ([r"\frac{\partial \|w\|_2^2}{\partial w_k}", r"2 w_k", "0"], ["start", "valid", "invalid"]),
    ([r"\partial_a \exp(a^2)", r"2a\exp(a^2)", r"a\exp(a^2)"], ["start", "valid", "invalid"]),
])
def test_sums_and_derivatives_in_written_chains(steps, kinds):
    written = [(t, None if n == 0 else "=") for n, t in enumerate(steps)]
    out = audit_chain(from_dict(CALC, "t"), written)
    assert [s.kind for s in out] == kinds, [(s.kind, s.message) for s in out]


@pytest.mark.parametrize("tex, reason", [
    (r"\int_0^1 a", r"\int is not read"),
    (r"\frac{\partial^2 L}{\partial a^2}", "undeclared identifier L"),
    (r"\sum_{i \in S} x_i", "sum over a set"),
    (r"\sum_{l} x_l", "range of l is not declared"),
    (r"\sum_{i=1}^{n} w_i", "runs to n, but w has d"),
    (r"\sum_{i=1}^{n} \sum_{i=1}^{n} x_i", "bound twice"),
    (r"\frac{\partial}{\partial n} n^2", "not a declared variable"),
    (r"\frac{\partial}{\partial w} X", "Jacobians of column vectors"),  # of a vector map (X w) it is a Jacobian
    (r"\frac{\partial L}{\partial w}", "undeclared identifier L"),
    (r"x_i", "x_i"),  # fine alone: a claim for every i (checked below)
    (r"w_{12}", "w_12"),
    (r"\mu_1", r"\mu is a scalar"),
    (r"X_1", "two indices"),
    (r"x_12", "reads in TeX as _1 followed by 2"),
    (r"\mu^23", "reads in TeX as ^2 followed by 3"),
])
def test_unsupported_sums_and_derivatives_are_refused_with_a_reason(tex, reason):
    from derive.audit.parser import IllFormed, Unparsed
    _, r = _reader()
    if tex in ("x_i", "w_{12}"):  # readable: an entry with a free index, and entry 12 of w
        assert r.parse(tex).free or tex == "w_{12}"
        return
    with pytest.raises((Unparsed, IllFormed)) as exc:
        r.parse(tex)
    assert reason in str(exc.value) or (reason == "position" and exc.value.position is not None), str(exc.value)


def test_a_document_with_sums_and_derivatives_runs_without_traceback(tmp_path):
    text = ("---\ndims: [n]\nvectors:\n  x: n\nscalars:\n  \\mu: real\n---\n"
            "$$ \\frac{\\partial}{\\partial \\mu} \\sum_{i=1}^{n} (x_i - \\mu)^2 = -2 \\sum_{i=1}^{n} (x_i - \\mu) "
            "= \\int_0^1 \\mu = \\prod_i x_i = \\sum_k x_k $$\n")
    result = CliRunner().invoke(main, ["audit", "--json", _write(tmp_path, "s.md", text)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    kinds = [s["verdict"] for s in json.loads(result.output)["chains"][0]["steps"]]
    assert kinds == ["start", "valid", "unparsed", "unparsed", "unparsed"]


# -- readings: the usual notations, and ambiguity refused ------------------------------------------
NOTATION = {"dims": ["n", "d"], "matrices": {"X": ["n", "d"], "A": ["d", "d"]}, "vectors": {"y": "n", "w": "d"},
            "scalars": {"p": "probability", r"\lambda": "positive"},
            "random": {"R": {"shape": ["n", "d"], "law": r"\operatorname{Bernoulli}(p)"}}, "indices": {"k": "n"}}


def _notation_cases():
    import sympy as sp
    from derive import E, diag, hadamard, isum, partial, sqnorm
    from derive.calculus import Entry
    from derive.audit.parser import index_symbol
    t = from_dict(NOTATION, "t").table
    X, A, y, w, p, lam, R, n = (t[k] for k in ("X", "A", "y", "w", "p", r"\lambda", "R", "n"))
    k = index_symbol("k")
    return [
        (r"X^\top y", X.T * y), (r"X^T y", X.T * y), (r"X' y", X.T * y), (r"X^{\top} y", X.T * y),
        (r"(R \odot X) w", hadamard(R, X) * w), (r"(R \circ X) w", hadamard(R, X) * w),
        (r"\|y - Xw\|_2^2", sqnorm(y - X * w)), (r"\left\| y - X w \right\|^2", sqnorm(y - X * w)),
        (r"\mathbb{E}_R[(R \odot X) w]", E((R,), hadamard(R, X) * w)),
        (r"\operatorname{diag}(X^\top X)", diag(X.T * X)), (r"\frac{1}{2} w^\top A w", sp.Rational(1, 2) * w.T * A * w),
        (r"p(1-p)", p * (1 - p)), (r"\lambda w^\top w", lam * w.T * w),
        (r"\sum_{k=1}^{n} y_k^2", isum(Entry(y, k) ** 2, (k, 1, n))),
        (r"\frac{\partial \lambda^2}{\partial \lambda}", partial(lam ** 2, lam)),
    ]


@pytest.mark.parametrize("number", range(15))
def test_the_usual_notations_read_as_intended(number):
    tex, expected = _notation_cases()[number]
    assert from_dict(NOTATION, "t").reader().parse(tex).expr == expected, tex


@pytest.mark.parametrize("given, tex, reason", [
    ({"scalars": {"a": "real", "b": "real", "c": "real"}}, "f(b+c)", "a function is not read"),
    ({"scalars": {"a": "real", "b": "real", "ab": "real"}}, "ab + 1", "reads as a b or as ab"),
    ({"scalars": {"a": "real", "b": "real", "ab": "real"}}, "a b + 1", "reads as a b or as ab"),
    ({"scalars": {"x": "real", "xy": "real", "y": "real", "yz": "real", "z": "real"}}, "xyz", "reads as"),
    ({"dims": ["n"], "matrices": {"A": ["n", "n"]}, "scalars": {"T": "real"}}, "A^T A", "T is declared"),
    ({"dims": ["n"], "matrices": {"A": ["n", "n"], "B": ["n", "n"], "C": ["n", "n"]}}, r"A \odot B C",
     "ambiguous: the step reads both"),
    ({"dims": ["n"], "vectors": {"x": "n"}, "scalars": {"x_1": "real"}}, "x_1 + 1", "also an entry of"),
    ({"dims": ["n"], "vectors": {"x": "n"}, "indices": {"i": "n"}}, r"\sum_i x_i + x_i", "bound by a sum and also"),
    ({"dims": ["n"], "vectors": {"x": "n"}, "indices": {"i": "n"}}, r"\sum_i x_i \odot x_i", "bound by a sum and also"),
    ({"dims": ["n", "d"], "scalars": {"w": "real"}}, r"\frac{d}{dw} w^2", "d could be a dimension"),
    ({"dims": ["n"], "vectors": {"x": "n"}}, r"\sum_{n=1}^{3} x_n", "index n is also a declared name"),
])
def test_ambiguous_input_is_refused_with_a_reason(given, tex, reason):
    from derive.audit.parser import Unparsed
    with pytest.raises(Unparsed) as exc:
        from_dict(given, "t").reader().parse(tex)
    assert reason in str(exc.value), str(exc.value)


def test_a_declared_scalar_before_a_bracket_is_a_product():
    decl = from_dict({"scalars": {"a": "real", "b": "real", "c": "real"}}, "t")
    a, b, c = (decl.table[k] for k in "abc")
    assert decl.reader().parse("a(b+c)").expr == a * (b + c)


@pytest.mark.parametrize("spec, reason", [
    ({"dims": ["n"], "indices": {"ij": "n"}}, "one Latin letter"),
    ({"dims": ["n"], "indices": {"n": "n"}}, "also a declared name"),
    ({"dims": ["n"], "indices": {"k": ["1", "n", "2"]}}, "[first, last]"),
    ({"dims": ["n"], "indices": {"k": "1.5"}}, "integers or dimensions"),
    ({"dims": ["n"], "indices": {"k": "n"}, "scalars": {"k": "real"}}, "also declared as an index"),
])
def test_bad_index_declarations_are_refused(spec, reason):
    from derive.audit.declarations import BadDeclarations
    with pytest.raises(BadDeclarations) as exc:
        from_dict(spec, "t")
    assert reason in str(exc.value)


# -- the LaTeX and PDF report ------------------------------------------------------------------
HOSTILE = [r"\input{/etc/passwd}", r"\write18{rm -rf ~}", r"\immediate\write18{ls}", r"\def\x{1}",
           r"\catcode`\^=13", r"^^5cinput{/etc/passwd}", r"\text{\input{/etc/passwd}}", r"\csname input\endcsname",
           r"\openout1=x", r"\usepackage{x}", r"\begin{verbatim}", r"w % comment", r"w $ \relax $", r"\left( w",
           r"w^", r"\let\frac\input", r"\expandafter", r"\newcommand{\x}{1}", r"\jobname", r"\special{x}"]


@pytest.mark.parametrize("tex", HOSTILE)
def test_unsafe_author_latex_is_never_typeset(tex):
    from derive.audit.report import safe_math, latex
    from derive.audit.chain import AuditStep
    assert safe_math(tex) is None
    doc = latex("x.md", [(None, [AuditStep(0, tex, None, "unparsed", tex)])])
    body = doc.split(r"\begin{document}", 1)[1]
    # nothing of the author's reaches TeX as a command: every backslash of it is \textbackslash{}
    for word in ("input", "write", "def", "catcode", "csname", "openout", "usepackage", "begin{verbatim}",
                 "let", "expandafter", "newcommand", "jobname", "special", "relax"):
        assert "\\" + word not in body.replace(r"\textbackslash{}" + word, ""), word
    assert "^^" not in body and "%" not in body.replace(r"\%", "")


def test_safe_author_latex_is_typeset_as_written():
    from derive.audit.report import safe_math
    for tex in [r"\frac{1}{2}(3I_{d_{out}} - WW^\top)W", r"\left\| y - Xw \right\|_2^2 + \lambda \|w\|^2",
                r"\mathbb{E}_R\left[(R \odot X) w\right]", r"\sum_{i=1}^{n} \frac{\partial L}{\partial w_i}",
                r"\operatorname{diag}(X^\top X) + \text{const}"]:
        assert safe_math(tex) == tex


def test_a_latex_report_shows_the_authors_lines_and_the_first_wrong_step(tmp_path):
    report = tmp_path / "report.tex"
    result = CliRunner().invoke(main, ["audit", _write(tmp_path, "ns.md", NEWTON_SCHULZ), "--report", str(report)])
    assert result.exit_code == 1
    text = report.read_text()
    assert r"$\displaystyle \frac{1}{2}(3W - W^\top W W)$" in text and "First wrong step: 2}" in text
    assert "(line 14)" in text and r"\begin{document}" in text


def test_a_report_never_overwrites_the_audited_document(tmp_path):
    text = "% derive:\n% dims: [n]\n% matrices:\n%   A: [n, n]\n\\[ (A^T)^T = A \\]\n"
    path = _write(tmp_path, "a.tex", text)
    for target in ("a.tex", "a.pdf"):
        result = CliRunner().invoke(main, ["audit", path, "--report", str(tmp_path / target)])
        assert result.exit_code == 2 and "overwrite" in result.output
    assert Path(path).read_text() == text


@pytest.mark.skipif(not __import__("shutil").which("latexmk"), reason="latexmk is not installed")
def test_a_pdf_report_compiles_even_with_hostile_lines(tmp_path):
    hostile = NEWTON_SCHULZ + "\n$$\n\\input{/etc/passwd} W = ^^5cinput W = \\frac{W\n$$\n"
    report = tmp_path / "out" / "report.pdf"
    report.parent.mkdir()
    result = CliRunner().invoke(main, ["audit", _write(tmp_path, "ns.md", hostile), "--report", str(report)])
    assert result.exit_code == 1, result.output
    assert report.read_bytes().startswith(b"%PDF") and (tmp_path / "out" / "report.tex").is_file()
    assert "root:" not in (tmp_path / "out" / "report.tex").read_text()


# -- limits, total and second derivatives, products (issue 10) ------------------------------------
LIMITS = {"dims": ["n"], "scalars": {"a": "positive", "x": "real", "y": "real"}, "vectors": {"v": "n"},
          "indices": {"k": "n"}}


def test_limits_total_and_second_derivatives_and_products_are_the_engines_objects():
    from derive import partial
    from derive.calculus import Lim
    from derive.audit.parser import index_symbol
    decl, r = _reader(LIMITS)
    a, x, y, n = (decl.table[c] for c in "axyn")
    k = index_symbol("k")
    assert r.parse(r"\lim_{n \to \infty} \frac{n+1}{n}").expr == Lim((n + 1) / n, n)
    assert r.parse(r"\lim\limits_{n \rightarrow \infty} \left(1 + \frac{a}{n}\right)").expr == Lim(1 + a / n, n)
    assert r.parse(r"\lim_{n \to +\infty} (1 + \frac{a}{n})").expr == Lim(1 + a / n, n)
    for tex in (r"\frac{d}{dx} x^3", r"\frac{d x^3}{d x}", r"\frac{\mathrm{d}}{\mathrm{d}x} x^3",
                r"\frac{\mathrm{d} x^3}{\mathrm{d} x}", r"\frac{\partial}{\partial x} x^3"):
        assert r.parse(tex).expr == partial(x ** 3, x), tex  # for a scalar, d/dx is ∂/∂x
    for tex in (r"\frac{\partial^2 x^3}{\partial x^2}", r"\frac{\partial^2}{\partial x^2} x^3",
                r"\frac{d^2 x^3}{dx^2}", r"\frac{d^2}{dx^2} x^3"):
        assert r.parse(tex).expr == partial(partial(x ** 3, x), x), tex
    # ∂²f/∂x∂y = ∂/∂x (∂f/∂y)
    assert r.parse(r"\frac{\partial^2 (x^3 y^2)}{\partial x \partial y}").expr == partial(partial(x ** 3 * y ** 2, y), x)
    assert r.parse(r"\frac{\partial^2}{\partial x \partial y} x y").expr == partial(partial(x * y, y), x)
    assert r.parse(r"\prod_{k=1}^{n} \frac{k+1}{k}").expr == iprod((k + 1) / k, (k, 1, n))
    assert r.parse(r"\prod_{k} (1 + a)").expr == iprod(1 + a, (k, 1, n))  # the declared range of k
    assert r.parse(r"2^n a^x").expr == 2 ** n * a ** x  # a bare exponent is the declared object


@pytest.mark.parametrize("steps, kinds", [
    # limits: the step after a limit is its value, checked by the engine's limit checker
    ([r"\lim_{n \to \infty} \frac{a n^2 + n}{n^2}", "a"], ["start", "valid"]),
    ([r"\lim_{n \to \infty} \frac{a n^2 + n}{n^2}", "2a"], ["start", "invalid"]),
    ([r"\lim_{n \to \infty} \frac{n+1}{n}", r"\lim_{n \rightarrow \infty} (1 + \frac{1}{n})", "1"],
     ["start", "valid", "valid"]),
    ([r"\lim_{n \to \infty} \frac{n+1}{n}", r"\lim_{n \rightarrow \infty} (1 + \frac{1}{n})", "0"],
     ["start", "valid", "invalid"]),
    ([r"\lim_{n \to \infty} \frac{x n + 1}{n + x^2}", "x"], ["start", "valid"]),
    ([r"\lim_{n \to \infty} \frac{x n + 1}{n + x^2}", "x^2"], ["start", "invalid"]),
    ([r"\lim_{n \to \infty} \frac{n+1}{n}", r"1 + \frac{1}{n}"], ["start", "invalid"]),  # n is bound by the limit
    # total derivatives of scalars
    ([r"\frac{d}{dx} (x^3 y)", "3x^2 y"], ["start", "valid"]),
    ([r"\frac{d}{dx} (x^3 y)", "2x^2 y"], ["start", "invalid"]),
    ([r"\frac{d (a x^2)}{d x}", "2 a x"], ["start", "valid"]),
    ([r"\frac{d (a x^2)}{d x}", "-2 a x"], ["start", "invalid"]),
    ([r"\frac{\mathrm{d}}{\mathrm{d}x} \exp(a x)", r"a \exp(a x)", r"\exp(a x)"], ["start", "valid", "invalid"]),
    # second derivatives
    ([r"\frac{\partial^2 (x^3 y)}{\partial x^2}", "6 x y"], ["start", "valid"]),
    ([r"\frac{\partial^2 (x^3 y)}{\partial x^2}", "3 x y"], ["start", "invalid"]),
    ([r"\frac{\partial^2 (x^3 y^2)}{\partial x \partial y}", "6 x^2 y"], ["start", "valid"]),
    ([r"\frac{\partial^2 (x^3 y^2)}{\partial x \partial y}", "-6 x^2 y"], ["start", "invalid"]),
    ([r"\frac{\partial^2}{\partial x \partial y} \exp(x y)", r"\frac{\partial}{\partial x} x \exp(x y)",
      r"(1 + x y) \exp(x y)", r"x y \exp(x y)"], ["start", "valid", "valid", "invalid"]),
    # products over an index range
    ([r"\prod_{k=1}^{n} \frac{k+1}{k}", "n + 1"], ["start", "valid"]),
    ([r"\prod_{k=1}^{n} \frac{k+1}{k}", "n"], ["start", "invalid"]),
    ([r"\prod_{k=1}^{n} 2a", "(2a)^n", "2^n a"], ["start", "valid", "invalid"]),
])
def test_limits_derivatives_and_products_in_written_chains(steps, kinds):
    written = [(t, None if n == 0 else "=") for n, t in enumerate(steps)]
    out = audit_chain(from_dict(LIMITS, "t"), written)
    assert [s.kind for s in out] == kinds, [(s.kind, s.message) for s in out]
    assert first_wrong(out) == next((i for i, kd in enumerate(kinds) if kd not in ("start", "valid")), None)
    for s in out:
        if s.kind == "invalid":
            assert s.message and s.verdict is not None and s.verdict.counterexample is not None


def test_a_limit_step_is_the_engines_limit_relation():
    out = audit_chain(from_dict(LIMITS, "t"), [(r"\lim_{n \to \infty} \frac{a n^2 + n}{n^2}", None), ("a", "=")])
    assert out[1].verdict.relation == "limit" and out[1].verdict.label.value == "proved"
    wrong = audit_chain(from_dict(LIMITS, "t"), [(r"\lim_{n \to \infty} \frac{n+1}{n}", None), ("2", "=")])[1]
    assert wrong.verdict.relation == "limit" and "limit as n" in wrong.message


def _refusal(given, tex):
    """The error the reader raises for ``tex`` (the test fails if it reads)."""
    from derive.audit.parser import IllFormed, Unparsed
    _, r = _reader(given)
    with pytest.raises((Unparsed, IllFormed)) as exc:
        r.parse(tex)
    return exc.value


@pytest.mark.parametrize("tex, reason", [
    (r"\int_0^1 x", r"\int is not read"),
    (r"\max_k v_k", r"\max is not read"),
    (r"\min_k v_k", r"\min is not read"),
    (r"\sup_k v_k", r"\sup is not read"),
    (r"\inf_k v_k", r"\inf is not read"),
    (r"\arg\min_x x^2", r"\arg is not read"),
    (r"\prod_{k \in S} v_k", "over a set"),
    (r"1 + \infty", r"only in the head of a limit"),  # a whole step \infty is a divergent limit's value
    (r"\lim_{n \to \infty} 1 + \frac{1}{n}", "also appears outside it"),  # (lim 1) + 1/n is never guessed
    (r"\lim_{x \to \infty} x", "not a declared dimension"),
    (r"\lim_{n \to -\infty} n", "-∞"),
    (r"\lim_{n \to \infty} \lim_{n \to \infty} \frac{1}{n}", "a limit inside a limit"),
    (r"\lim_{n \to 0} n", "position"),
    (r"\frac{d}{dv} v^\top v", "read for a declared scalar only"),
    (r"\frac{\partial x^2}{d x}", r"both d and \partial"),
    (r"\frac{\partial^3 x^3}{\partial x^3}", "order 3"),
    (r"\frac{\partial^2}{\partial v^2} v^\top v", "Hessian"),
    (r"\frac{d}{dt} x", "undeclared identifier t"),
    (r"\frac{d}{dn} n^2", "not a declared variable"),
    (r"d x", "undeclared identifier d"),
])
def test_the_new_notations_refuse_what_they_cannot_read(tex, reason):
    error = _refusal(LIMITS, tex)
    assert reason in str(error) or (reason == "position" and error.position is not None), str(error)
    if re.match(r"\\(?:int|max|min|sup|inf|arg)(?![A-Za-z])", tex):
        assert error.position == 0


def test_a_leibniz_d_is_refused_when_d_is_declared():
    from derive.audit.parser import Unparsed
    for given in ({"dims": ["d"], "scalars": {"x": "real"}}, {"scalars": {"x": "real", "dx": "real"}},
                  {"dims": ["n"], "scalars": {"x": "real"}, "indices": {"d": "n"}}):
        with pytest.raises(Unparsed) as exc:
            from_dict(given, "t").reader().parse(r"\frac{d}{dx} x^2")
        assert "d could be a dimension (a declared name) or the differential" in str(exc.value)


def test_a_document_with_limits_derivatives_and_products(tmp_path):
    text = textwrap.dedent(r"""
        ---
        dims: [n]
        scalars:
          x: real
        ---
        $$ \lim_{n \to \infty} \frac{2n + 1}{n + 3} = \lim_{n \to \infty} \frac{2 + \frac{1}{n}}{1 + \frac{3}{n}} = 2 $$

        $$ \frac{\mathrm{d}^2}{\mathrm{d}x^2} x^4 = \frac{d}{dx} 4x^3 = 12 x^2 $$

        $$ \prod_{k=1}^{n} \frac{k}{k+1} = \frac{1}{n} $$
        """).lstrip()
    result = CliRunner().invoke(main, ["audit", "--json", _write(tmp_path, "l.md", text)])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    kinds = [[s["verdict"] for s in c["steps"]] for c in json.loads(result.output)["chains"]]
    assert kinds == [["start", "valid", "valid"], ["start", "valid", "valid"], ["start", "invalid"]]


def test_a_divergent_limit_is_read_as_a_whole_step_infinity():
    from derive.audit.chain import audit_chain
    from derive.audit.declarations import from_dict
    decl = from_dict({"dims": ["n"]}, "t")
    good = audit_chain(decl, [(r"\lim_{n \to \infty} \frac{n^2}{n + 1}", None), (r"\infty", "=")])
    assert [s.kind for s in good] == ["start", "valid"]
    bad = audit_chain(decl, [(r"\lim_{n \to \infty} \frac{1 - n^2}{n + 1}", None), (r"+\infty", "=")])
    assert bad[1].kind == "invalid" and bad[1].verdict.counterexample is not None
    odd = audit_chain(decl, [(r"n^2", None), (r"\infty", "=")])
    assert odd[1].kind != "valid"  # an infinite value of anything but a limit is never accepted


def test_a_product_of_entries_is_grounded():
    from derive.audit.chain import audit_chain
    from derive.audit.declarations import from_dict
    decl = from_dict({"dims": ["n"], "vectors": {"v": "n"}, "indices": {"k": "n"}}, "t")
    out = audit_chain(decl, [(r"\prod_{k=1}^{n} 2 v_k", None), (r"2^n \prod_{k=1}^{n} v_k", "="),
                             (r"2 \prod_{k=1}^{n} v_k", "=")])
    assert [s.kind for s in out] == ["start", "valid", "invalid"]
    assert out[2].verdict.counterexample is not None


def test_declared_bounded_quantities_are_the_limits_assumptions():
    from derive.audit.chain import audit_chain
    from derive.audit.declarations import from_dict
    spec = {"dims": ["n"], "vectors": {"g": "n"}, "scalars": {"a": "real"}, "indices": {"j": "n"},
            "bounded": [r"\sum_{j=1}^{n} g_j"]}
    start = r"\lim_{n \to \infty} \left(a + \frac{1}{n} \sum_{j=1}^{n} g_j\right)"
    good = audit_chain(from_dict(spec, "t"), [(start, None), ("a", "=")])
    assert good[1].kind == "valid" and good[1].verdict.assumptions  # shown as the author's assumption
    bad = audit_chain(from_dict(spec, "t"), [(start, None), ("a + 1", "=")])
    assert bad[1].kind == "invalid"
    # a quantity with a closed form that grows is caught, not trusted
    false = {**spec, "bounded": [r"\sum_{j=1}^{n} 1"]}
    out = audit_chain(from_dict(false, "t"), [(r"\lim_{n \to \infty} \frac{1}{n} \sum_{j=1}^{n} 1", None), ("0", "=")])
    assert out[1].kind == "invalid"


NORMS = {"dims": ["n", "m", "k"], "matrices": {"A": ["n", "m"], "B": ["m", "k"]}, "vectors": {"u": "n", "v": "n"},
         "scalars": {"c": "positive"}}


@pytest.mark.parametrize("chain", [
    [r"\|A B\|_2", r"\|A\|_2 \|B\|_2"],  # submultiplicativity
    [r"|u^\top v|", r"\|u\|_2 \|v\|_2"],  # Cauchy–Schwarz
    [r"\|u + v\|_2", r"\|u\|_2 + \|v\|_2"],  # triangle inequality
    [r"\|A\|_2", r"\|A\|_{\mathrm{F}}"],  # spectral ≤ Frobenius
    [r"\|c A B\|_2", r"c \|A B\|_2", r"c \|A\|_2 \|B\|_2", r"c \|A\|_F \|B\|_2"],
])
def test_standard_norm_bounds_are_valid_by_a_lemma_the_engine_finds(chain):
    from derive.audit.chain import audit_chain
    from derive.audit.declarations import from_dict
    written = [(chain[0], None)] + [(t, "=" if i == 0 and len(chain) > 2 else "<=") for i, t in enumerate(chain[1:])]
    out = audit_chain(from_dict(NORMS, "t"), written)
    assert all(s.kind in ("start", "valid") for s in out), [(s.kind, s.message) for s in out]
    assert any("lemma" in s.verdict.method for s in out if s.verdict is not None and s.relation == "<=")


@pytest.mark.parametrize("chain, relation, kind", [
    ([r"\|A\|_F", r"\|A\|_2"], "<=", "invalid"),  # the wrong way round
    ([r"\|u + v\|_2^2", r"\|u\|_2^2 + \|v\|_2^2"], "<=", "invalid"),  # the square of the triangle inequality
    ([r"|u^\top v|", r"\|u\|_2^2 + \|v\|_2^2"], "<=", "undecided"),  # true, but no single lemma gives it
    ([r"\|2 u\|_2", r"4 \|u\|_2"], "=", "invalid"),
])
def test_wrong_or_unproved_norm_bounds_are_not_valid(chain, relation, kind):
    from derive.audit.chain import audit_chain
    from derive.audit.declarations import from_dict
    out = audit_chain(from_dict(NORMS, "t"), [(chain[0], None), (chain[1], relation)])
    assert out[1].kind == kind, out[1].message
    if kind == "invalid":
        assert out[1].verdict.counterexample is not None


@pytest.mark.parametrize("tex, reason", [
    (r"\|A\|", "spectral"),  # a matrix norm without its kind is ambiguous
    (r"\|u\|_1", "1-norm"),
    (r"|u|", "write \\|"),
    (r"\|c\|_2", "absolute value"),
])
def test_norms_that_are_not_read(tex, reason):
    assert reason in str(_refusal(NORMS, tex))


def test_norm_spellings_are_the_engines_objects():
    from derive import fro, norm, sqnorm
    import sympy as sp
    decl, r = _reader(NORMS)
    A, u, c = decl.table["A"], decl.table["u"], decl.table["c"]
    assert r.parse(r"\|u\|_2^2").expr == sqnorm(u) == r.parse(r"\left\| u \right\|^2").expr
    assert r.parse(r"\|A\|_2").expr == norm(A) and r.parse(r"\lVert u \rVert").expr == norm(u)
    assert r.parse(r"\|A\|_F^2").expr == fro(A) ** 2 == r.parse(r"\|A\|_{\mathrm{F}}^2").expr
    assert r.parse(r"|c|").expr == sp.Abs(c) and r.parse(r"\lvert u^\top u \rvert").expr == norm(u.T * u)


def test_jacobians_of_vector_maps_are_read():
    from derive.audit.chain import audit_chain
    from derive.audit.declarations import from_dict
    from derive import jacobian
    spec = {"dims": ["n", "m"], "matrices": {"A": ["m", "n"]}, "vectors": {"x": "n", "b": "m"}}
    decl, r = _reader(spec)
    A, x, b = (decl.table[k] for k in "Axb")
    assert r.parse(r"\frac{\partial (A x + b)}{\partial x}").expr == jacobian(A * x + b, x)
    out = audit_chain(from_dict(spec, "t"), [(r"\frac{\partial}{\partial x} b \|x\|_2^2", None),
                                             (r"2 b x^\top", "="), (r"2 x b^\top", "=")])
    assert [s.kind for s in out] == ["start", "valid", "invalid"]


def test_a_bound_claimed_attained_is_checked_at_its_witness(tmp_path):
    doc = tmp_path / "att.md"
    head = "---\ndims: [n]\nvectors: {u: n, v: n}\nattained:\n  \"2\": {v: \"%s\"}\n---\n"
    body = "$$\n|u^\\top v| \\le \\|u\\|_2 \\|v\\|_2 \\tag{2}\n$$\n"
    doc.write_text(head % "2 u" + body)
    result = CliRunner().invoke(main, ["audit", str(doc), "--json"])
    assert result.exit_code == 0, result.output
    assert "the witness attains equality" in result.output
    doc.write_text(head % "u + v" + body)  # not parallel to u: equality fails there
    result = CliRunner().invoke(main, ["audit", str(doc)])
    assert result.exit_code == 1 and "the witness does not attain the bound" in result.output
    doc.write_text(head.replace('"2"', '"7"') % "2 u" + body)  # no step tagged (7)
    result = CliRunner().invoke(main, ["audit", str(doc)])
    assert result.exit_code == 2 and "no step is tagged (7)" in result.output


def test_the_terminal_shows_what_a_valid_step_assumes(tmp_path):
    doc = tmp_path / "lim.md"
    doc.write_text("---\ndims: [n]\nvectors: {g: n}\nscalars: {a: real}\nindices: {j: n}\n"
                   "bounded: [\"\\\\sum_{j=1}^{n} g_j\"]\n---\n"
                   "$$\n\\lim_{n \\to \\infty} \\left(a + \\frac{1}{n} \\sum_{j=1}^{n} g_j\\right) = a\n$$\n")
    result = CliRunner().invoke(main, ["audit", str(doc)])
    assert result.exit_code == 0, result.output
    assert "assuming" in result.output and "bounded" in result.output
