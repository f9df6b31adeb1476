"""The multilingual support desk: tickets from families and schools by web and text
message, routing, SLAs and replies. Built in the support-desk issue."""
