"""Which borrowed sentences More Info leaves out because they say the opposite of the
thread's own doctor, on the demo content (and the seed page when it is there).

    .venv/bin/python bench/enrich_contradictions.py [--seed ../shared/seeds/004_1d58c5aad264fa84.txt]

Runs in a fresh temporary data folder (SQLite): imports, builds the search index, then for
every answered thread gathers the same candidate sources as enrichment (its reply, trusted
passages, replies on similar threads) and lists each sentence of another source that the
contradiction check (curbside/enrich/contradiction.py) removes, with the reason. The demo
content is ours, so the sentences may be printed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", help="a saved Q&A page to import as well")
    args = parser.parse_args()
    os.environ["CURBSIDE_DATA_DIR"] = tempfile.mkdtemp(prefix="curbside-contradiction-bench-")
    os.environ.pop("DATABASE_URL", None)
    from curbside.cli import main as cli
    from curbside.demo import demo_archive

    assert cli(["migrate"]) == 0
    assert cli(["import", str(demo_archive()), *([args.seed] if args.seed else [])]) == 0
    assert cli(["reindex"]) == 0

    from curbside.enrich.contradiction import contradiction, default_rules, reply_position
    from curbside.enrich.sources import all_sentences
    from curbside.web.qa import enrichment
    from curbside.web.qa import models as m

    rules = default_rules()
    threads = m.Thread.objects.filter(status="answered", reply__isnull=False).order_by("pk") \
        .select_related("reply__doctor__specialty")
    removed = examined = 0
    for thread in threads:
        enrichment.assign_topics_to(thread)
        topics = [tt.topic.name for tt in thread.thread_topics.select_related("topic")]
        own = enrichment.reply_source_of(thread)
        others = [*enrichment.passage_candidates(thread, topics), *enrichment.similar_reply_sources(thread)]
        position = reply_position([s.text for s in all_sentences([own], thread.id)], rules)
        for sentence in all_sentences(others, thread.id):
            examined += 1
            reason = contradiction(sentence.text, (), rules, position)
            if reason:
                removed += 1
                print(f"{thread.pk} ({thread.title[:50]}): left out {sentence.text!r} "
                      f"from {sentence.source.name}: {reason}")
    print(f"{threads.count()} answered threads, {examined} borrowed sentences examined, {removed} left out",
          file=sys.stderr)


if __name__ == "__main__":
    main()
