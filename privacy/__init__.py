"""Data protection: what personal data is held and why, how long it is kept, who looked
at it, what is shared under which agreement, and subject access and erasure."""
