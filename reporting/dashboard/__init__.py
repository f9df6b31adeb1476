"""The council dashboard: what runs out when, what it will cost, where demand is."""
