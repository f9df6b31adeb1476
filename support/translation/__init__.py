"""Machine translation for the desk: families' texts in English for agents, agents' replies in
the family's language (client.py talks to the service, service.py holds the rules)."""
