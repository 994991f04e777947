"""derive audit on a corpus of written course-style chains, about half with a planted slip."""
import json
from pathlib import Path

import pytest

from derive.audit.chain import audit_chain, first_wrong
from derive.audit.declarations import from_dict

CORPUS = Path(__file__).resolve().parent / "data" / "audit-corpus.json"
DOC = json.loads(CORPUS.read_text())
CASES = DOC["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_corpus_verdicts(case):
    assert DOC["format"] == "derive-audit-cases/1"
    steps = audit_chain(from_dict(case["given"], case["id"]), [(s["tex"], s["rel"]) for s in case["steps"]])
    assert [s.kind for s in steps] == [s["expect"] for s in case["steps"]], [(s.kind, s.message) for s in steps]
    assert first_wrong(steps) == case["first_wrong"]


def test_corpus_size_and_share_of_slips():
    assert len(CASES) >= 26
    assert len({c["id"] for c in CASES}) == len(CASES)
    assert 2 * sum(c["first_wrong"] is not None for c in CASES) >= len(CASES)
    for c in CASES:
        expects = [s["expect"] for s in c["steps"]]
        assert expects[0] == "start" and c["steps"][0]["rel"] is None
        assert all(s["rel"] in ("=", "substitute", "<=") for s in c["steps"][1:])
        assert c["first_wrong"] == next((i for i, e in enumerate(expects) if e not in ("start", "valid")), None)
