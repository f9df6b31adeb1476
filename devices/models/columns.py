"""Column helpers shared by the register's tables."""

from sqlalchemy import Column, ForeignKey, Integer


def fk(
    target: str, *, ondelete: str = "RESTRICT", nullable: bool = False, index: bool = True
) -> Column:
    """A foreign key column; RESTRICT by default so history is never lost by a cascade."""
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)
