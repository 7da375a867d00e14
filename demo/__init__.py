"""`make demo`: a whole session of Films in Progress on embedded defaults, in about two minutes.

It migrates the SQLite database, starts (or reuses) the Temporal dev server and a worker, and opens
the Toulouse session with its calendar compressed to seconds: the call closes 40 seconds after
opening, the committee reviews for 25, offers go out at 70 and must be answered within 20, the event
starts at 110. Into it go a generated call of realistic submissions (two rows deliberately
malformed); some producers fix what eligibility flagged, the others' window lapses; a simulated
committee, invited by mail, scores on its members' pages through their links (one member declares a
conflict of interest there, and the film goes to a free member; another leaves two films unscored,
and is reminded); the six best films are offered their slots; four producers confirm, one declines
and one stays silent, and the waitlist refills both slots. At the event, staff import the partners,
run and approve the optimal matching, schedule and approve the one-to-one meetings (and re-plan
around a late partner), the jury grants two awards (one split between two films), and staff close
the event. Each film of the lineup then enters its follow-up: three producers send a first report (a
picture locked, a master delivered, a premiere with a French distributor). The demo ends on the
board, the matches with their reasons, the meetings, the awards, the follow-up, the programme's
statistics and the messages sent.

Run it again and it shows that session's board: a session runs once (`make clean` starts over).
"""
