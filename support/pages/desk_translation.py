"""What the ticket page says about translation: whether the family reads another language,
whether a translation service is set, and why a family's text has no English yet."""

from typing import Any

from support.language_names import english_name
from support.models import Ticket
from support.translation.service import is_english, provider_name


def translation_view(ticket: Ticket, untranslated: str | None) -> dict[str, Any]:
    return {
        "needed": not is_english(ticket.language),
        "language": english_name(ticket.language),
        "provider": provider_name(),
        "untranslated": untranslated,
    }
