"""The support desk's HTTP API: the public intake, the family's view, the agents' queue."""

from support.api import agents, contacts, public

ROUTERS = [public.router, agents.router, contacts.router]
