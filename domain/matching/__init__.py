"""Which industry partner meets (or helps) which selected film: an optimal, explainable matching.

A works-in-progress session puts about six unfinished films in front of post-production houses,
sales agents, distributors, TV buyers, funds, co-producers and residencies. Every allowed pair
(film, partner) gets an *affinity*: a score that adds up plain-English reasons (the post house
covers the film's missing work, the sales agent sells where the film is still unsold, the partner
bid on it, ...). `solve` then chooses the pairs with the largest total affinity such that

* a partner takes at most `capacity` films, and a film between `min_partners` and `max_partners`;
* each film meets each quota of partner kinds (e.g. at least one post house; at least one sales
  agent or distributor) within its [min, max];
* no pair has a conflict of interest (a person or company on both sides) or an opt-out, on either
  side.

The package, one module per part (no names are re-exported here: import from the module):

* `types`: the options (quotas, weights) and the result (pairs, alternates, bounds);
* `affinity`: a pair's score and reasons, one pair or every pair at once, and conflicts;
* `instance`: films and partners as arrays, the programme's variables, and a matching's counts;
* `diagnosis`: why no matching meets the quotas, in sentences for staff;
* `flow`: the largest total as a min-cost flow (OR-Tools), when the quotas are pairwise disjoint;
* `model`: the optimisation model (an LP when totally unimodular, else a MILP, through HiGHS);
* `fairness`: raising the worst-off film first (max-min), then the total;
* `solve`: the entry point;
* `explanations`: each pair's reasons and the alternates a film did not get, with why not;
* `check`: every violated constraint in words (the tests use it, and `solve` as a guard);
* `wording`: how partner kinds, quotas and films are named in those sentences.

The greedy baseline the benchmark compares against is bench/greedy.py.
"""
