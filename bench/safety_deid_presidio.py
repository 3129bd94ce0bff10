"""De-identification on sentences nobody here wrote: presidio-research's synthetic dev set.

    .venv/bin/python bench/safety_deid_presidio.py [--show-misses] [--json]
    .venv/bin/python bench/safety_deid_presidio.py --false-positives [--sample 20]

Reads ``../shared/bench/deid-presidio-dev/sentences.json`` (or under $CURBSIDE_SHARED_DIR).
Measures, as issue 11 defines them:

    recall      a must-remove value counts as removed when it no longer appears in the
                published text; a value over several lines when none of its words of 4+
                characters survives
    collateral  the share of the other words of 4+ letters (outside every labelled span)
                that vanish from the published text

``--false-positives`` runs the pipeline over the 18,796 questions of the LiveQA-Med and MQP
dev data (which hold almost no personal details) and counts replacements per type,
printing a sample so that a person can judge them. The values printed come from public
benchmark data, never from a user.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from curbside.safety.deid import deidentify

REPO = Path(__file__).resolve().parents[1]
MUST_REMOVE = ("PERSON", "STREET_ADDRESS", "PHONE_NUMBER", "EMAIL_ADDRESS", "US_SSN", "CREDIT_CARD",
               "IBAN_CODE", "IP_ADDRESS", "US_DRIVER_LICENSE")
LONG_WORD = re.compile(r"[^\W\d_]{4,}")
TARGET_RECALL, TARGET_COLLATERAL = 0.95, 0.05


def shared_dir() -> Path:
    return Path(os.environ.get("CURBSIDE_SHARED_DIR", REPO.parent / "shared"))


def removed(value: str, published: str) -> bool:
    if "\n" not in value.strip():
        return value.strip() not in published
    words = {w.lower() for w in re.findall(r"\w{4,}", value)}
    left = {w.lower() for w in re.findall(r"\w{4,}", published)}
    return not words & left


def collateral_words(text: str, spans: list[dict]) -> list[str]:
    """Words of 4+ letters outside every labelled span (of any type: an organisation may go)."""
    inside = [(s["start_position"], s["end_position"]) for s in spans]
    return [m.group(0) for m in LONG_WORD.finditer(text)
            if not any(a < m.end() and m.start() < b for a, b in inside)]


def evaluate(sentences: list[dict]) -> dict:
    must, gone, misses = Counter(), Counter(), []
    other_words = lost_words = 0
    lost_sample = []
    latencies = []
    for item in sentences:
        began = time.perf_counter()
        published = deidentify(item["full_text"]).text
        latencies.append((time.perf_counter() - began) * 1000)
        for span in item["spans"]:
            if span["entity_type"] not in MUST_REMOVE:
                continue
            must[span["entity_type"]] += 1
            if removed(span["entity_value"], published):
                gone[span["entity_type"]] += 1
            else:
                misses.append((span["entity_type"], span["entity_value"], item["full_text"], published))
        left = Counter(w.lower() for w in LONG_WORD.findall(published))
        for word in collateral_words(item["full_text"], item["spans"]):
            other_words += 1
            if left[word.lower()] > 0:
                left[word.lower()] -= 1
            else:
                lost_words += 1
                lost_sample.append(word)
    return {"must": must, "gone": gone, "misses": misses, "other_words": other_words,
            "lost_words": lost_words, "lost_sample": lost_sample, "latencies": latencies}


def long_message_latencies(texts: list[str], joined: int = 6) -> list[tuple[int, float]]:
    """A question with a story: several sentences in one message."""
    found = []
    for start in range(0, len(texts) - joined, joined):
        text = " ".join(texts[start:start + joined])
        began = time.perf_counter()
        deidentify(text)
        found.append((len(text), (time.perf_counter() - began) * 1000))
    return found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def consumer_questions() -> list[str]:
    """The questions of the LiveQA-Med corpus and dev queries and the MQP dev queries (18,796):
    real people's and NIH pages' wording, with very few personal details."""
    base = shared_dir() / "bench"
    sources = [(base / "liveqa-med" / "corpus.jsonl", "question"), (base / "liveqa-med" / "queries-dev.jsonl", "text"),
               (base / "mqp" / "queries-dev.jsonl", "text")]
    return [json.loads(line)[key] for path, key in sources
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def false_positives(sample: int) -> None:
    texts = consumer_questions()
    found = []
    for text in texts:
        result = deidentify(text)
        found += [(r.type, text[r.start:r.end], text) for r in result.replacements]
    by_type = Counter(t for t, _, _ in found)
    print(f"{len(texts)} consumer questions: {len(found)} replacements "
          f"({len(found) / max(1, len(texts)) * 200:.2f} per 200 questions; target < 1)")
    print("by type: " + ", ".join(f"{t} {n}" for t, n in by_type.most_common()))
    for kind, value, text in random.Random(7).sample(found, min(sample, len(found))):
        start = max(0, text.find(value) - 40)
        print(f"  {kind}: {value!r}  <- ...{text[start:start + 100]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--false-positives", action="store_true")
    parser.add_argument("--sample", type=int, default=20)
    args = parser.parse_args()
    path = shared_dir() / "bench" / "deid-presidio-dev" / "sentences.json"
    if not path.exists():
        sys.exit(f"{path}: not found (set CURBSIDE_SHARED_DIR to the folder holding bench/)")
    began = time.perf_counter()
    import presidio_analyzer  # noqa: F401 - the libraries first (spaCy, thinc, torch, transformers: a web
    import spacy  # noqa: F401    process has them loaded already), so the model's own memory shows apart
    libraries_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    deidentify("Warm up, says Iwase.")
    startup = time.perf_counter() - began
    model_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - libraries_mb
    if args.false_positives:
        false_positives(args.sample)
        return
    sentences = json.loads(path.read_text(encoding="utf-8"))
    result = evaluate(sentences)
    long_ms = long_message_latencies([s["full_text"] for s in sentences])
    must, gone = result["must"], result["gone"]
    recall = sum(gone.values()) / max(1, sum(must.values()))
    collateral = result["lost_words"] / max(1, result["other_words"])
    latencies = result["latencies"]
    summary = {"recall": round(recall, 3), "removed": sum(gone.values()), "must_remove": sum(must.values()),
               "by_type": {t: f"{gone[t]}/{must[t]}" for t in MUST_REMOVE if must[t]},
               "collateral": round(collateral, 4), "collateral_words": f"{result['lost_words']}/{result['other_words']}",
               "startup_s": round(startup, 2), "p50_ms": round(statistics.median(latencies), 2),
               "p95_ms": round(percentile(latencies, 0.95), 2),
               "long_chars": round(statistics.mean(n for n, _ in long_ms)),
               "long_p50_ms": round(statistics.median(t for _, t in long_ms), 2),
               "long_p95_ms": round(percentile([t for _, t in long_ms], 0.95), 2),
               "memory_added_mb": round(model_mb), "libraries_mb": round(libraries_mb),
               "machine": f"{platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}"}
    if args.json:
        print(json.dumps(summary, indent=1))
        return
    met = recall >= TARGET_RECALL and collateral <= TARGET_COLLATERAL
    print(f"start-up {startup:.2f} s (imports included); peak RSS {summary['libraries_mb']} MB after the libraries, "
          f"+{summary['memory_added_mb']} MB for the model and rules; per sentence "
          f"p50 {summary['p50_ms']} ms, p95 {summary['p95_ms']} ms; long messages ({summary['long_chars']} characters) "
          f"p50 {summary['long_p50_ms']} ms, p95 {summary['long_p95_ms']} ms ({summary['machine']})")
    print(f"recall {recall:.3f} ({summary['removed']} of {summary['must_remove']}), collateral {collateral:.4f} "
          f"({summary['collateral_words']} other words lost); targets recall >= {TARGET_RECALL}, "
          f"collateral <= {TARGET_COLLATERAL}: {'met' if met else 'NOT met'}")
    print("by type: " + ", ".join(f"{t} {v}" for t, v in summary["by_type"].items()))
    if args.show_misses:
        for kind, value, text, published in result["misses"]:
            print(f"  MISS {kind}: {value!r}\n      in:  {text!r}\n      out: {published!r}")
        print("  collateral words lost: " + ", ".join(sorted(Counter(result["lost_sample"]), key=str.lower)))


if __name__ == "__main__":
    main()
