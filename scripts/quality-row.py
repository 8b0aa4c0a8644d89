"""Formats one `storyfit eval --json` report (stdin) as a Markdown table row named argv[1]."""
import json
import sys

v = json.load(sys.stdin)
m = {x["mode"]: x for x in v["modes"]}
h = m["hybrid"]
s = h["stories"]
i = v["inference"]
cells = [h["lp"]["top1"], h["lp"]["top3"], s["recall_at_1"], s["recall_at_3"],
         s["mrr_at_10"], s["ndcg_at_10"], i["top1"], i["top3"]]
print("| " + sys.argv[1] + " | " + " | ".join(f"{c:.3f}" for c in cells) + " |")
