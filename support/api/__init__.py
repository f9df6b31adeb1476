"""The support desk's HTTP API: the public intake, the family's view, the agents' queue, and
texts from families."""
