"""Speed of the copy checker: time to check 1,000, 5,000 and 20,000 characters of marketing
copy against 1,000, 10,000 and 100,000 claims (the largest size the project's scale bench
runs the site at: the full catalogue, grown), as wall-clock median, p95 and p99, and the
median CPU time of this process, which other work on a busy machine does not inflate.
"short" texts are the labelled snippets repeated to length; "real" is 20,000 characters of
the realistic passages (headings, bullets, several subjects a paragraph). At the end it says
whether issue 17's targets hold for a 20,000-character check against the largest catalogue:
median < 100 ms and p99 < 300 ms (wall clock).

    .venv/bin/python bench/copycheck_speed.py [--runs 200] [--claims 1000,10000,100000]

The claims are the starter claims plus synthetic ones built in memory (deterministic:
seeded), with invented subjects whose aliases share words with real ones ("serum",
"exosomes", "peptide") so that look-ups meet realistic collisions. The texts come from
tests/claims/copycheck/ (labelled_copy.yaml, real_copy_tuning.yaml), repeated to length. No
database and no network: the index is built exactly as the site builds it, from records.
"""

import gc
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "claimcheck.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-insecure-key")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

import django  # noqa: E402

django.setup()

import yaml  # noqa: E402
from copycheck_quality import LABELLED, starter_records  # noqa: E402

from claimcheck.claims.copycheck import check_with_index  # noqa: E402
from claimcheck.claims.copycheck.index import ClaimRecord, Index  # noqa: E402

SYLLABLES = "ka lo mi ne ru sa ti vo ze xa bre cly dro fen gli hal jor kin lum mar".split()
SHARED = ["serum", "exosomes", "peptide", "cream", "growth factors", "stem cell", "laser"]
VERBS = (
    "stimulates boosts reduces improves fades heals rejuvenates regenerates smooths prevents "
    "treats firms brightens repairs"
).split()
OUTCOMES = [
    *"collagen|fine lines|wrinkles|dark spots|acne scars|redness|skin texture".split("|"),
    *"elasticity|sun damage|pores|sagging skin|dryness|hair loss|wound healing".split("|"),
    *"skin cells|melasma|crow's feet|glow".split("|"),
]


def synthetic_records(count, seed=7):
    rng = random.Random(seed)
    records = starter_records()
    subjects = []
    for n in range(max(1, count // 5)):
        name = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()
        aliases = (f"{name} {rng.choice(SHARED)}", name.lower() + "x", f"{name}-{n}")
        subjects.append((f"subject-{n}", name, aliases))
    while len(records) < count:
        number = len(records)
        slug, name, aliases = subjects[number % len(subjects)]
        outcome = " and ".join(rng.sample(OUTCOMES, 2))
        records.append(
            ClaimRecord(
                slug=f"claim-{number}",
                text=f"{name} {rng.choice(VERBS)} {outcome}",
                outcome=outcome,
                subject_slug=slug,
                subject_name=name,
                aliases=aliases,
                verdict="unproven",
                verdict_label="Unproven",
                grade="C",
                score=40,
                url=f"/claims/claim-{number}/",
            )
        )
    return records


REAL_COPY = ROOT / "tests" / "claims" / "copycheck" / "real_copy_tuning.yaml"


def text_of_length(chars, source=LABELLED):
    snippets = [case["text"] for case in yaml.safe_load(source.read_text())]
    out, i = [], 0
    while sum(len(s) + 1 for s in out) < chars:
        out.append(snippets[i % len(snippets)])
        i += 1
    return "\n".join(out)[:chars]


TARGET_MEDIAN_MS = 100
TARGET_P99_MS = 300


def percentile(times, share):
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main():
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 200
    sizes = (1_000, 10_000, 100_000)
    if "--claims" in sys.argv:
        sizes = tuple(int(n) for n in sys.argv[sys.argv.index("--claims") + 1].split(","))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; {runs} runs each")
    print(
        f"{'claims':>7} {'text':>6} {'chars':>7} {'median ms':>10} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'cpu ms':>8} {'cpu p99':>8} {'matches':>8}"
    )
    largest = {}  # text kind -> wall and CPU (median, p99) of 20,000 characters, largest index
    for count in sizes:
        started = time.perf_counter()
        index = Index(synthetic_records(count))
        built = (time.perf_counter() - started) * 1000
        # As a web worker does after every per-version build (claimcheck.wsgi.prepare_worker):
        # the collector no longer walks the index's millions of objects.
        gc.freeze()
        texts = [("short", LABELLED, n) for n in (1_000, 5_000, 20_000)]
        for kind, source, chars in (*texts, ("real", REAL_COPY, 20_000)):
            text = text_of_length(chars, source)
            check_with_index(text, index)  # warm up
            times, cpu = [], []
            for _ in range(runs):
                started, started_cpu = time.perf_counter(), time.process_time()
                result = check_with_index(text, index)
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            median, p99 = statistics.median(times), percentile(times, 0.99)
            print(
                f"{count:7} {kind:>6} {chars:7} {median:10.2f} {percentile(times, 0.95):8.2f} "
                f"{p99:8.2f} {statistics.median(cpu):8.2f} {percentile(cpu, 0.99):8.2f} "
                f"{len(result.matches):8}"
            )
            if count == max(sizes) and chars == 20_000:
                largest[kind] = (median, p99, statistics.median(cpu), percentile(cpu, 0.99))
        print(f"  (index of {count} claims built once in {built:.0f} ms)")
    print(
        f"\ntargets for 20,000 characters against {max(sizes)} claims: "
        f"median < {TARGET_MEDIAN_MS} ms, p99 < {TARGET_P99_MS} ms (wall clock)"
    )
    for kind, (median, p99, cpu_median, cpu_p99) in largest.items():
        holds = median < TARGET_MEDIAN_MS and p99 < TARGET_P99_MS
        print(
            f"  {kind:>6}: median {median:.1f} ms, p99 {p99:.1f} ms: "
            f"{'the targets hold' if holds else 'TARGETS MISSED'} "
            f"(CPU time: median {cpu_median:.1f} ms, p99 {cpu_p99:.1f} ms)"
        )


if __name__ == "__main__":
    main()
