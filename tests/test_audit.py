"""derive audit: written chains checked step by step (../shared/audit/examples.json, and documents)."""
import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from derive.audit.chain import audit_chain, first_wrong
from derive.audit.declarations import from_dict
from derive.audit.segment import chains
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
