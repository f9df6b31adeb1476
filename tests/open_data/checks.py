"""Checks that a published table gives nobody away, written independently of the code under
test: exact linear algebra over the table's row and column equations."""

from fractions import Fraction

from reporting.open_data.suppression import Position, Table


def small_published(table: Table, hidden: set[Position]) -> list[Position]:
    """Published entries from 1 to 4 (there should be none)."""
    return [p for p in table.positions() if p not in hidden and 1 <= table.value(p) <= 4]


def lines_with_one_hidden(table: Table, hidden: set[Position]) -> list[list[Position]]:
    """Lines (a row or column with its total) holding exactly one hidden entry."""
    return [line for line in table.lines() if sum(p in hidden for p in line) == 1]


def _reduce(vector: list[Fraction], basis: list[tuple[int, list[Fraction]]]) -> list[Fraction]:
    vector = list(vector)
    for pivot, row in basis:
        if vector[pivot]:
            factor = vector[pivot]
            vector = [v - factor * r for v, r in zip(vector, row, strict=True)]
    return vector


def recoverable(table: Table, hidden: set[Position]) -> list[Position]:
    """Hidden entries that some combination of the published equations pins down. Each line
    says: the hidden entries on it add up to its total less its shown entries."""
    unknowns = sorted(hidden)
    index = {position: i for i, position in enumerate(unknowns)}
    basis: list[tuple[int, list[Fraction]]] = []
    for line in table.lines():
        vector = [Fraction(0)] * len(unknowns)
        for position in line:
            if position in index:
                vector[index[position]] = Fraction(1)
        vector = _reduce(vector, basis)
        pivot = next((i for i, v in enumerate(vector) if v), None)
        if pivot is None:
            continue
        vector = [v / vector[pivot] for v in vector]
        basis = [
            (p, [r - row[pivot] * v for r, v in zip(row, vector, strict=True)]) for p, row in basis
        ]
        basis.append((pivot, vector))
    found = []
    for position, i in index.items():
        unit = [Fraction(0)] * len(unknowns)
        unit[i] = Fraction(1)
        if not any(_reduce(unit, basis)):
            found.append(position)
    return found
