"""Per-student variants from a class roster: one deterministic, verified variant per student.

A student's seed is derived from the course secret, the problem's name and the student id
(``student_seed``: SHA-256, the first 63 bits), so the same roster and secret always give every
student the same variant, a student cannot compute another's seed without the secret, and two
problems give one student unrelated variants.  The secret comes from ``--secret`` or the
environment variable ``DERIVE_ROSTER_SECRET``; without one there is no roster.

``assign`` draws and checks every student's variant (in parallel); a variant that does not
verify stops the batch with every failure named, and nothing is written.  ``answer_sheet`` is
the grading CSV: student id, name, seed, parameters, and each final answer (derive.answers).
"""
import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from .answers import final_answers
from .errors import DeriveError, ProblemError

SECRET_VARIABLE = "DERIVE_ROSTER_SECRET"
ID_COLUMNS = ("id", "student_id", "student id", "sis id", "login", "email")
NAME_COLUMNS = ("name", "student", "full name", "student name")


class RosterError(ProblemError):
    """A roster that cannot be used: unreadable, no id column, a duplicate or empty id."""


class RosterFailed(DeriveError):
    """Some student's variant did not verify (or broke): nothing was written (exit 1)."""


@dataclass(frozen=True)
class Student:
    id: str
    name: str = ""

    @property
    def slug(self):
        """The id as a file name part: letters, digits, '.', '-' and '_' kept, else a hash."""
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", self.id).strip("._") or "student"
        if safe != self.id:
            safe += "-" + hashlib.sha256(self.id.encode("utf-8")).hexdigest()[:6]
        return safe[:80]


@dataclass
class Assigned:
    """One student's verified variant."""
    student: Student
    seed: int
    values: dict
    derivation: object
    report: object


def student_seed(secret, name, student_id):
    """The seed of ``student_id``'s variant of problem ``name`` under the course ``secret``."""
    digest = hashlib.sha256("\0".join(("derive-roster/1", secret, name, student_id)).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def read_roster(path):
    """[Student] from a CSV file with a header row: an id column (id, student_id, SIS ID,
    login or email; the first column otherwise) and optionally a name column."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RosterError(f"cannot read the roster {path}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise RosterError(f"{path} is not a CSV file: {exc}") from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if len(rows) < 2:
        raise RosterError(f"{path}: a header row and at least one student are needed")
    header = [h.strip().lower() for h in rows[0]]
    id_col = next((header.index(c) for c in ID_COLUMNS if c in header), 0)
    name_col = next((header.index(c) for c in NAME_COLUMNS if c in header and header.index(c) != id_col), None)
    students, seen = [], {}
    for line, row in enumerate(rows[1:], 2):
        sid = row[id_col].strip() if id_col < len(row) else ""
        if not sid:
            raise RosterError(f"{path}, line {line}: no student id in column {rows[0][id_col]!r}")
        if sid in seen:
            raise RosterError(f"{path}, line {line}: the student id {sid!r} is also on line {seen[sid]}")
        seen[sid] = line
        name = row[name_col].strip() if name_col is not None and name_col < len(row) else ""
        students.append(Student(sid, name))
    return students


def _draw(task):
    """A worker's part: (values, report) of one student's variant, or the error as text."""
    from .variants import drawn
    name, seed = task
    try:
        values, _, report = drawn(name, seed, 1)[0]
        return values, report
    except DeriveError as exc:
        return str(exc)


def assign(name, students, secret, jobs=1, progress=None):
    """[Assigned], one per student in roster order, each variant drawn from the student's seed
    and checked.  Raises ProblemError when the problem has no parameters, DeriveError naming
    RosterFailed naming every student whose variant failed."""
    from . import loader
    from .parallel import run
    if not secret:
        raise RosterError(f"a roster needs a course secret: --secret or ${SECRET_VARIABLE}")
    if not loader.params_of(name):
        raise ProblemError(f"{name} has no parameters to vary")
    seeds = [student_seed(secret, name, s.id) for s in students]
    results = run(_draw, [(name, seed) for seed in seeds], jobs, progress)
    failures = [(s, r) for s, r in zip(students, results) if isinstance(r, str)]
    if failures:
        listed = "; ".join(f"{s.id}: {why}" for s, why in failures[:5])
        raise RosterFailed(f"{len(failures)} of {len(students)} student variant(s) of {name} did not verify "
                          f"or broke; nothing written ({listed}{' ...' if len(failures) > 5 else ''})")
    return [Assigned(s, seed, values, loader.build(name, values), report)
            for s, seed, (values, report) in zip(students, seeds, results)]


def _cell(value):
    """A parameter value as JSON-like text: lists stay lists, fractions as 'p/q'."""
    if isinstance(value, (list, tuple)):
        return [_cell(v) for v in value]
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        return value
    if getattr(value, "is_Integer", False):
        return int(value)
    return str(value)


def answer_sheet(assigned):
    """The grading CSV as text: one row per student; a column per final answer: exact numbers
    ('p/q'), separated by '; ' in reading order for a matrix, or a formula's LaTeX."""
    columns, rows = [], []
    for a in assigned:
        row = {"student_id": _safe(a.student.id), "name": _safe(a.student.name), "seed": str(a.seed),
               "parameters": json.dumps({k: _cell(v) for k, v in a.values.items()}, ensure_ascii=False)}
        for k, answer in enumerate(final_answers(a.derivation), 1):
            what = answer.title or (", ".join(answer.names) if answer.names else "")
            column = f"answer {k}: {what}" if what else f"answer {k}"
            if column not in columns:
                columns.append(column)
            row[column] = "; ".join(str(e) for e in answer.entries) if answer.numeric else _safe(answer.latex)
        rows.append(row)
    out = io.StringIO()
    writer = csv.DictWriter(out, ["student_id", "name", "seed", "parameters", *columns], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _safe(text):
    """A spreadsheet never runs a cell: text starting = + @ or a tab is quoted ('...)."""
    return "'" + text if text[:1] in ("=", "+", "@", "\t") else text


def _compile(task):
    """A worker's part: publish one document; the paths written, or the error."""
    from .pdf import publish
    out, stem, tex, pdf = task
    try:
        return publish(out, stem, tex, pdf=pdf)
    except DeriveError as exc:
        return exc


def documents(name, assigned, per_student=False, stem=None):
    """[(stem, tex)]: the combined key and student version (a section per student, in roster
    order) named ``stem`` (default NAME-roster), or with ``per_student`` a key and a student
    version for each student, named by the student id."""
    from .render import render_questions, render_variants

    def heading(a):
        return f"{a.student.id}" + (f" ({a.student.name})" if a.student.name else "")
    title = assigned[0].derivation.title
    if per_student:
        docs = []
        for a in assigned:
            one = [(a.values, a.derivation, a.report)]
            docs.append((a.student.slug, render_variants(name, a.seed, one, headings=[heading(a)],
                                                          subtitle="Your variant; every step machine-checked")))
            docs.append((f"{a.student.slug}-questions", render_questions(
                "variants", title, [(heading(a), a.values, a.derivation, None)], subtitle="Your variant")))
        return docs
    variants = [(a.values, a.derivation, a.report) for a in assigned]
    key = render_variants(name, None, variants, headings=[heading(a) for a in assigned],
                          subtitle=f"{len(assigned)} students, one variant each; every variant re-derived and machine-checked")
    questions = render_questions("variants", title, [(heading(a), a.values, a.derivation, None) for a in assigned],
                                 subtitle=f"{len(assigned)} students, one variant each")
    stem = stem or f"{Path(name).stem}-roster"
    return [(stem, key), (f"{stem}-questions", questions)]


def publish_roster(name, assigned, out, pdf=False, per_student=False, jobs=1, progress=None, stem=None):
    """Write the documents (``documents``) and ``answers.csv`` into ``out``; the paths written.  Raises the
    first compile error after every document was tried (the CSV is written first)."""
    from .pdf import prepare_out
    from .web import write_atomically
    out = prepare_out(out)
    written = [write_atomically(out, "answers.csv", answer_sheet(assigned))]
    from .parallel import run
    results = run(_compile, [(str(out), stem, tex, pdf) for stem, tex in documents(name, assigned, per_student, stem)],
                  jobs, progress)
    errors = [r for r in results if isinstance(r, Exception)]
    written += [p for r in results if not isinstance(r, Exception) for p in r]
    if errors:
        errors[0].written = written
        raise errors[0]
    return written

