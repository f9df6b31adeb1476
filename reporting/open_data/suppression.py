"""Small-number suppression for published tables: counts from 1 to 4 are hidden, and more
cells are hidden until no hidden one can be worked out from the published totals.

A table is rows by columns of counts with, optionally, each row's total, each column's total
and (with both) the grand total. Picture it extended by one column (the row totals) and one
row (the column totals, ending in the grand total): every line of that extended grid is one
equation, "the entries add up to the line's total". A hidden entry can be worked out when
some combination of those equations pins it down. Two rules make sure none can be:

1. No line holds exactly one hidden entry (else that line's equation gives it away): hide
   the smallest other non-zero entry of the line too, a total last, a zero only if nothing
   else is left.
2. No hidden entry is a *bridge* between two groups of hidden entries. Seen as a graph whose
   vertices are lines and whose edges are hidden entries, an entry is determined by the
   equations exactly when it lies on no cycle (adding up one side's row equations and
   subtracting its column equations leaves that entry alone). So for a bridge, hide the
   smallest entry joining the two sides, which closes a cycle through it.

Both are repeated until nothing changes. Zeros are published: a zero reveals nobody.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MARKER = "[c]"
LOWEST_HIDDEN, HIGHEST_HIDDEN = 1, 4

Position = tuple[int, int]


@dataclass(frozen=True)
class Table:
    """Counts in rows by columns; which totals are published with them."""

    cells: tuple[tuple[int, ...], ...]
    width: int
    row_totals: bool = True
    column_totals: bool = True

    @classmethod
    def of(
        cls,
        cells: Sequence[Sequence[int]],
        *,
        width: int | None = None,
        row_totals: bool = True,
        column_totals: bool = True,
    ) -> "Table":
        rows = tuple(tuple(int(value) for value in row) for row in cells)
        size = width if width is not None else (len(rows[0]) if rows else 0)
        if any(len(row) != size for row in rows):
            raise ValueError("every row needs the same number of cells")
        if any(value < 0 for row in rows for value in row):
            raise ValueError("counts cannot be negative")
        return cls(rows, size, row_totals, column_totals)

    @property
    def height(self) -> int:
        return len(self.cells)

    def value(self, position: Position) -> int:
        """A cell, or a total: row `height` holds the column totals, column `width` the row
        totals, and (height, width) the grand total."""
        row, column = position
        if row < self.height and column < self.width:
            return self.cells[row][column]
        if row < self.height:
            return sum(self.cells[row])
        if column < self.width:
            return sum(cells[column] for cells in self.cells)
        return sum(map(sum, self.cells))

    def is_total(self, position: Position) -> bool:
        return position[0] == self.height or position[1] == self.width

    def positions(self) -> list[Position]:
        """Every published entry: the cells and the totals the table has."""
        rows, columns = range(self.height), range(self.width)
        found = [(row, column) for row in rows for column in columns]
        if self.row_totals:
            found += [(row, self.width) for row in rows]
        if self.column_totals:
            found += [(self.height, column) for column in columns]
        if self.row_totals and self.column_totals:
            found.append((self.height, self.width))
        return found

    def lines(self) -> list[list[Position]]:
        """Each equation's entries: a row with its total, a column with its total."""
        rows, columns = range(self.height), range(self.width)
        both = self.row_totals and self.column_totals
        found: list[list[Position]] = []
        if self.row_totals:
            for row in [*rows, self.height] if both else rows:
                found.append([(row, column) for column in [*columns, self.width]])
        if self.column_totals:
            for column in [*columns, self.width] if both else columns:
                found.append([(row, column) for row in [*rows, self.height]])
        return found


@dataclass(frozen=True)
class Suppression:
    """Which entries of `table` are hidden."""

    table: Table
    hidden: frozenset[Position]

    def shown(self, position: Position) -> int | None:
        """The entry's value, or None where it is hidden."""
        return None if position in self.hidden else self.table.value(position)


def is_small(value: int) -> bool:
    return LOWEST_HIDDEN <= value <= HIGHEST_HIDDEN


def suppress(table: Table, *, also: Iterable[Position] = ()) -> Suppression:
    """The entries to hide: every count from 1 to 4, entries in `also` (hidden elsewhere),
    and enough others that none of them can be worked out from what is shown."""
    published = set(table.positions())
    hidden = {position for position in published if is_small(table.value(position))}
    hidden |= set(also) & published
    while _complete_lines(table, hidden) or _close_bridges(table, hidden, published):
        pass
    return Suppression(table, frozenset(hidden))


def suppress_sharing_row_totals(tables: Sequence[Table]) -> list[Suppression]:
    """Suppression for tables that break the same counts down two ways (tickets by language
    and by category): their row totals are the same figures, so a total hidden in one table
    is hidden in the others, until they agree."""
    if tables and any(
        [t.value((row, t.width)) for row in range(t.height + 1)]
        != [tables[0].value((row, tables[0].width)) for row in range(tables[0].height + 1)]
        for t in tables
    ):
        raise ValueError("the tables' row totals differ")
    shared: set[int] = set()
    while True:
        results = [suppress(table, also={(row, table.width) for row in shared}) for table in tables]
        rows = {
            row
            for result in results
            for row, column in result.hidden
            if column == result.table.width
        }
        if rows <= shared:
            return results
        shared |= rows


def _preference(table: Table, position: Position) -> tuple[bool, bool, int, Position]:
    """Which entry to hide first: non-zero before zero, cells before totals, small first."""
    value = table.value(position)
    return (value == 0, table.is_total(position), value, position)


def _complete_lines(table: Table, hidden: set[Position]) -> bool:
    """Rule 1: a line with exactly one hidden entry gets a second. True if any changed."""
    changed = False
    for line in table.lines():
        if sum(position in hidden for position in line) != 1:
            continue
        candidates = [position for position in line if position not in hidden]
        if candidates:
            hidden.add(min(candidates, key=lambda p: _preference(table, p)))
            changed = True
    return changed


def _close_bridges(table: Table, hidden: set[Position], published: set[Position]) -> bool:
    """Rule 2: hide an entry that closes a cycle through the first hidden bridge found. Only
    tables with both totals have lines that meet; with one kind of total each line is an
    equation on its own and rule 1 is enough. True if an entry was hidden."""
    if not (table.row_totals and table.column_totals):
        return False
    for bridge in sorted(_bridges(hidden)):
        rest = hidden - {bridge}
        rows_a, columns_a = _split(_component(("row", bridge[0]), rest))
        rows_b, columns_b = _split(_component(("column", bridge[1]), rest))
        candidates = [(row, column) for row in rows_a for column in columns_b]
        candidates += [(row, column) for row in rows_b for column in columns_a]
        candidates = [p for p in candidates if p in published and p not in hidden]
        if candidates:
            hidden.add(min(candidates, key=lambda p: _preference(table, p)))
            return True
    return False


Vertex = tuple[str, int]


def _neighbours(hidden: Iterable[Position]) -> dict[Vertex, list[tuple[Vertex, Position]]]:
    graph: dict[Vertex, list[tuple[Vertex, Position]]] = {}
    for row, column in hidden:
        graph.setdefault(("row", row), []).append((("column", column), (row, column)))
        graph.setdefault(("column", column), []).append((("row", row), (row, column)))
    return graph


def _split(vertices: set[Vertex]) -> tuple[list[int], list[int]]:
    """The rows and the columns among `vertices`."""
    rows = sorted(index for kind, index in vertices if kind == "row")
    return rows, sorted(index for kind, index in vertices if kind == "column")


def _component(start: Vertex, hidden: Iterable[Position]) -> set[Vertex]:
    graph = _neighbours(hidden)
    seen, waiting = {start}, [start]
    while waiting:
        for neighbour, _entry in graph.get(waiting.pop(), []):
            if neighbour not in seen:
                seen.add(neighbour)
                waiting.append(neighbour)
    return seen


def _bridges(hidden: Iterable[Position]) -> set[Position]:
    """Hidden entries on no cycle (Tarjan's bridges, without recursion)."""
    graph = _neighbours(hidden)
    order: dict[Vertex, int] = {}
    low: dict[Vertex, int] = {}
    bridges: set[Position] = set()
    for root in sorted(graph):
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack: list[tuple[Vertex, Position | None, int]] = [(root, None, 0)]
        while stack:
            vertex, via, index = stack.pop()
            edges = graph[vertex]
            if index < len(edges):
                stack.append((vertex, via, index + 1))
                neighbour, entry = edges[index]
                if entry == via:
                    continue
                if neighbour in order:
                    low[vertex] = min(low[vertex], order[neighbour])
                else:
                    order[neighbour] = low[neighbour] = len(order)
                    stack.append((neighbour, entry, 0))
            elif stack and via is not None:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[vertex])
                if low[vertex] > order[parent]:
                    bridges.add(via)
    return bridges
