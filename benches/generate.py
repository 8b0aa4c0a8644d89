#!/usr/bin/env python3
"""Deterministic synthetic story bank and question list for the end-to-end batch benchmark.

    python3 benches/generate.py OUT_DIR [--stories 1000] [--questions 1000] [--seed 42]

Writes OUT_DIR/bank/part-NN.md (100 stories per file, `## <LP>` headings, `Q.` then
`S:`/`T:`/`A:`/`R:` paragraphs, a ranked priority list in the first file) and
OUT_DIR/questions.txt (one question per line). The text is templated from small phrase
lists with a seeded RNG, so every run produces byte-identical files; story lengths (about
170 words) match real banks, which is what embedding and indexing cost depends on.
"""

import argparse
import os
import random

LPS = [
    "Customer Obsession", "Ownership", "Invent and Simplify", "Are Right, A Lot",
    "Learn and Be Curious", "Hire and Develop the Best", "Insist on the Highest Standards",
    "Think Big", "Bias for Action", "Frugality", "Earn Trust", "Dive Deep",
    "Have Backbone; Disagree and Commit", "Deliver Results",
    "Strive to be Earth's Best Employer", "Success and Scale Bring Broad Responsibility",
]

# What each principle's stories are about, in a few words each.
THEMES = {
    "Customer Obsession": ["a merchant whose payouts kept failing", "a hospital client confused by our reports", "shoppers abandoning the checkout page"],
    "Ownership": ["a flaky deploy pipeline no team claimed", "an expired certificate that belonged to nobody", "a migration left half finished by another group"],
    "Invent and Simplify": ["a twelve-step manual release process", "a reconciliation job that needed three spreadsheets", "an onboarding flow with nine forms"],
    "Are Right, A Lot": ["a vendor choice the team was split on", "a capacity forecast nobody trusted", "a rollback call made on partial data"],
    "Learn and Be Curious": ["a streaming framework I had never used", "the billing domain I knew nothing about", "a new query engine the team was adopting"],
    "Hire and Develop the Best": ["a junior engineer stuck on their first project", "an interview loop that kept rejecting good people", "a new lead who needed to grow fast"],
    "Insist on the Highest Standards": ["a release with known accessibility bugs", "a data feed with silent duplicates", "code reviews that had become rubber stamps"],
    "Think Big": ["a three-year plan for a self-serve platform", "turning an internal tool into a product", "replacing six regional systems with one"],
    "Bias for Action": ["an outage with the owner unreachable", "a launch blocked on a slow approval", "a security patch that could not wait"],
    "Frugality": ["a cloud bill that doubled in a quarter", "a project with no budget for new hardware", "licences we paid for and never used"],
    "Earn Trust": ["a partner team burned by our last launch", "a mistake of mine that reached customers", "a skeptical finance stakeholder"],
    "Dive Deep": ["a metric that looked fine but hid a drop", "an invoice bug that happened twice a year", "latency spikes nobody could explain"],
    "Have Backbone; Disagree and Commit": ["a launch date I thought was unsafe", "an architecture my manager preferred", "a reorg decision I argued against"],
    "Deliver Results": ["a deadline moved forward by a month", "a contract milestone at risk", "a team down two engineers before launch"],
    "Strive to be Earth's Best Employer": ["an on-call rotation burning people out", "a team with no time for growth", "new hires who felt isolated"],
    "Success and Scale Bring Broad Responsibility": ["tracking pages that exposed addresses", "a feature that could be misused at scale", "energy use of a growing fleet"],
}

ROLES = ["backend engineer", "team lead", "data analyst", "support engineer", "product engineer", "SRE"]
ORGS = ["a logistics startup", "a payments company", "a university lab", "a retail platform", "a health-tech team", "a media site"]
ACTIONS = [
    "I mapped every step and measured where the time went",
    "I wrote a one-page proposal with two options and their costs",
    "I paired with the people closest to the problem for a week",
    "I built a small prototype over a weekend to test the idea",
    "I set up a dashboard so everyone could see the same numbers",
    "I split the work into pieces we could ship every few days",
    "I asked for a review from the most critical person I knew",
    "I read the logs line by line until the pattern was clear",
]
RESULTS = [
    "the error rate fell by {n} percent within a month",
    "we saved about {n} thousand dollars a year",
    "the team shipped {n} days earlier than planned",
    "support tickets on the topic dropped by {n} percent",
    "the process now takes {n} minutes instead of a day",
    "two other teams adopted the approach within a quarter",
]
FRAMES = [
    "Tell me about a time you {x}.",
    "Describe a situation where you {x}.",
    "Give me an example of when you {x}.",
    "Walk me through a time you {x}.",
    "Can you share a time you {x}?",
]
ASKS = {
    "Customer Obsession": ["went above and beyond for a customer", "changed a plan because of customer feedback"],
    "Ownership": ["fixed something that was not your job", "took responsibility for a problem outside your team"],
    "Invent and Simplify": ["made a complicated process simple", "invented a new way to do routine work"],
    "Are Right, A Lot": ["made the right call when others disagreed", "decided with incomplete information"],
    "Learn and Be Curious": ["learned a new technology quickly", "explored a field outside your expertise"],
    "Hire and Develop the Best": ["mentored someone junior", "helped a teammate grow into a bigger role"],
    "Insist on the Highest Standards": ["refused to ship something that was not good enough", "raised the quality bar for the team"],
    "Think Big": ["proposed a bold long-term vision", "turned a small idea into something much bigger"],
    "Bias for Action": ["acted quickly without waiting for approval", "took a calculated risk under time pressure"],
    "Frugality": ["achieved more with fewer resources", "cut costs without hurting quality"],
    "Earn Trust": ["rebuilt trust after a mistake", "won over a skeptical stakeholder"],
    "Dive Deep": ["used data to find a root cause", "dug into details others had missed"],
    "Have Backbone; Disagree and Commit": ["disagreed with your manager", "committed to a decision you had argued against"],
    "Deliver Results": ["delivered under a tight deadline", "hit a goal despite serious obstacles"],
    "Strive to be Earth's Best Employer": ["improved your team's working conditions", "made the team a better place to work"],
    "Success and Scale Bring Broad Responsibility": ["considered the wider impact of your work", "protected users' privacy at scale"],
}


def story(rng, lp, i):
    theme = rng.choice(THEMES[lp])
    role, org = rng.choice(ROLES), rng.choice(ORGS)
    acts = rng.sample(ACTIONS, 3)
    res = rng.choice(RESULTS).format(n=rng.randint(10, 60))
    ask = rng.choice(ASKS[lp])
    q = rng.choice(FRAMES).format(x=ask)
    return (
        f"### Story {i:04d}: {theme}\n"
        f"Q. {q}\n"
        f"S: As a {role} at {org}, I ran into {theme}. It had been a known problem for months, "
        f"and it affected about {rng.randint(2, 90)} people every week, including several who "
        f"depended on it for their own deadlines.\n"
        f"T: My task was to deal with {theme} without stopping the rest of the roadmap, and to "
        f"leave things in a state the team could keep up after I moved on.\n"
        f"A: First, {acts[0]}. Then {acts[1]}, which showed that the obvious fix would not be "
        f"enough. Finally {acts[2]}, and I kept the people affected informed twice a week so "
        f"there were no surprises. When a teammate pushed back on the plan, we compared both "
        f"options on the same data and picked the cheaper one.\n"
        f"R: As a result, {res}. I wrote down what we learned so the next person facing "
        f"{theme} would not start from zero.\n"
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--stories", type=int, default=1000)
    ap.add_argument("--questions", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    bank = os.path.join(a.out, "bank")
    os.makedirs(bank, exist_ok=True)
    per_file = 100
    for f in range((a.stories + per_file - 1) // per_file):
        parts = []
        if f == 0:
            parts.append("# LPs ranked in order of relevance:\n")
            parts += [f"{k + 1}. {lp}\n" for k, lp in enumerate(rng.sample(LPS, 6))]
            parts.append("\n")
        lo, hi = f * per_file, min(a.stories, (f + 1) * per_file)
        by_lp = {}
        for i in range(lo, hi):
            by_lp.setdefault(LPS[rng.randrange(len(LPS))], []).append(i)
        for lp in LPS:
            if lp not in by_lp:
                continue
            parts.append(f"## {lp}\n")
            parts += [story(rng, lp, i) + "\n" for i in by_lp[lp]]
        with open(os.path.join(bank, f"part-{f:02d}.md"), "w", encoding="utf-8") as fh:
            fh.write("".join(parts))
    extras = ["on a team project", "at your last job", "with a difficult deadline", "as a new hire", "in the past year"]
    with open(os.path.join(a.out, "questions.txt"), "w", encoding="utf-8") as fh:
        fh.write("# synthetic benchmark questions (benches/generate.py)\n")
        for _ in range(a.questions):
            lp = rng.choice(LPS)
            q = rng.choice(FRAMES).format(x=f"{rng.choice(ASKS[lp])} {rng.choice(extras)}")
            fh.write(q + "\n")


if __name__ == "__main__":
    main()
