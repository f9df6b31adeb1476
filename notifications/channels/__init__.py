"""Ways a message leaves the service: Twilio (SMS, WhatsApp), SMTP (email), or the local
outbox only when no credentials are set."""
