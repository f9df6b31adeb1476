"""The notifications HTTP API: the outbox for operators, policies, and Twilio's status callbacks."""
