"""Every message the service sends (SMS, WhatsApp, email) through one outbox, and the
scheduled alerts. Built in the notifications issue."""
