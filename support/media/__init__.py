"""Photos and files families send by MMS or WhatsApp: recorded with the message, fetched from
Twilio in the background, checked, stored and shown to the agents on the ticket."""
