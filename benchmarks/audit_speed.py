"""Time of auditing an 8-step written chain, warm (target <= 1 s), and the shared examples'
first-wrong-step accuracy. Prints figures; never a pass/fail test."""
import json
import time
from pathlib import Path

from derive.audit.chain import audit_chain, first_wrong
from derive.audit.declarations import from_dict

GIVEN = {"dims": ["n", "d"], "matrices": {"X": ["n", "d"]}, "vectors": {"y": "n", "w": "d"},
         "scalars": {r"\lambda": "positive"}}
CHAIN = [r"\|y - Xw\|_2^2 + \lambda \|w\|_2^2",
         r"(y - Xw)^\top (y - Xw) + \lambda w^\top w",
         r"y^\top y - y^\top X w - w^\top X^\top y + w^\top X^\top X w + \lambda w^\top w",
         r"y^\top y - 2 y^\top X w + w^\top X^\top X w + \lambda w^\top w",
         r"y^\top y - 2 w^\top X^\top y + w^\top X^\top X w + \lambda w^\top w",
         r"y^\top y - 2 w^\top X^\top y + w^\top (X^\top X + \lambda I_d) w",
         r"y^\top y - 2 w^\top X^\top y + w^\top X^\top X w + \lambda w^\top I_d w",
         r"\|y\|_2^2 - 2 w^\top X^\top y + \|X w\|_2^2 + \lambda \|w\|_2^2"]


def main():
    decl = from_dict(GIVEN, "bench")
    written = [(t, None if i == 0 else "=") for i, t in enumerate(CHAIN)]
    audit_chain(decl, written)  # warm: grammar built, sympy caches filled
    start = time.perf_counter()
    steps = audit_chain(from_dict(GIVEN, "bench"), written)
    seconds = time.perf_counter() - start
    print(f"8-step chain, warm: {seconds:.2f} s (target 1 s); verdicts {[s.kind for s in steps]}")
    data = Path(__file__).resolve().parent.parent / "tests" / "data"
    cases = [c for f in ("audit-examples.json", "audit-corpus.json") for c in json.loads((data / f).read_text())["cases"]]
    right = flags = valid = 0
    for case in cases:
        got = audit_chain(from_dict(case["given"], case["id"]), [(s["tex"], s["rel"]) for s in case["steps"]])
        right += first_wrong(got) == case["first_wrong"]
        for s, want in zip(got, case["steps"]):
            if want["expect"] == "valid":
                valid += 1
                flags += not s.ok
    print(f"shared examples and corpus: first wrong step right in {right}/{len(cases)}; "
          f"false flags on correct steps {flags}/{valid}")


if __name__ == "__main__":
    main()
