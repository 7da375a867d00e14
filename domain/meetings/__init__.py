"""One-to-one meetings at a works-in-progress session: which film meets which matched partner,
in which slot, at which table.

The organiser schedules every meeting (market practice, as b2match advises) and keeps
`spare_tables` free in every slot so a late change never waits for a table. The hard rules: a film
or a partner is never in two meetings in the same slot, never during one of its `Busy` intervals
(the film's own screening, a partner's absence: models/meetings.py), at most
`tables - spare_tables` meetings per slot each on its own table, and at most `max_per_day`
meetings per film per day if set.

The package, one module per part (no names are re-exported here: import from the module):

* `grid`: the event's slots and tables, the requests, and a schedule's meetings and unplaced;
* `schedule`: `schedule` and `replan`, the entry points;
* `board`: who sits where, slot by slot, as the solver and the diagnosis read it;
* `model`: the mixed-integer programme (HiGHS), in two lexicographic stages;
* `diagnosis`: why a request could not be placed, in words;
* `check`: every broken hard rule of a schedule, read from times alone.
"""
