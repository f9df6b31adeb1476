"""Small-number suppression, checked on hand-made tables and on many random ones."""

import random

import pytest

from reporting.open_data.suppression import (
    Table,
    suppress,
    suppress_sharing_row_totals,
)
from tests.open_data.checks import lines_with_one_hidden, recoverable, small_published

SEED = 20260801


def random_table(chance: random.Random) -> Table:
    """Mostly small counts, some zeros, some large: the shape of a council's schools."""
    height, width = chance.randint(0, 7), chance.randint(1, 7)
    pick = [
        lambda: 0,
        lambda: chance.randint(1, 4),
        lambda: chance.randint(5, 9),
        lambda: chance.randint(10, 300),
    ]
    weights = chance.choice([(3, 3, 2, 2), (1, 6, 1, 1), (1, 1, 1, 6), (6, 1, 1, 1)])
    cells = [[chance.choices(pick, weights)[0]() for _ in range(width)] for _ in range(height)]
    totals = chance.choice([(True, True), (True, True), (False, True), (True, False)])
    return Table.of(cells, width=width, row_totals=totals[0], column_totals=totals[1])


def test_counts_from_1_to_4_are_hidden_and_zeros_are_shown():
    result = suppress(Table.of([[0, 1, 30, 40], [4, 0, 60, 90], [20, 30, 50, 70]]))
    assert (0, 1) in result.hidden and (1, 0) in result.hidden
    assert result.shown((0, 0)) == 0 and result.shown((1, 1)) == 0


def test_a_5_is_shown_when_nothing_near_it_is_hidden():
    result = suppress(Table.of([[5, 40], [60, 9]]))
    assert result.hidden == set()
    assert result.shown((0, 0)) == 5


def test_a_lone_hidden_cell_takes_the_next_smallest_in_its_row_and_column():
    table = Table.of([[2, 7, 30], [8, 50, 60], [9, 70, 80]])
    result = suppress(table)
    # 2 is hidden; its row's next smallest is 7, its column's is 8; 7's and 8's columns
    # and rows then need a second hidden entry each, and no entry may be a lone bridge.
    assert {(0, 0), (0, 1), (1, 0)} <= result.hidden
    assert not lines_with_one_hidden(table, set(result.hidden))
    assert not recoverable(table, set(result.hidden))
    # Grand total and untouched far cells stay published.
    assert result.shown((3, 3)) == table.value((3, 3))
    assert result.shown((2, 2)) == 80


def test_a_single_column_hides_its_total_with_its_only_cell():
    table = Table.of([[3]])
    result = suppress(table)
    assert result.hidden == {(0, 0), (0, 1), (1, 0), (1, 1)}


def test_a_hidden_entry_that_bridges_two_groups_is_joined_to_a_cycle():
    # Two 2x2 blocks of small counts, each a closed cycle of hidden cells; one more cell
    # hidden between them (as if hidden elsewhere) is their only link, so the two blocks'
    # row and column equations would pin it down unless another link is hidden too.
    table = Table.of(
        [
            [2, 2, 90, 90],
            [2, 2, 90, 90],
            [90, 90, 3, 3],
            [90, 90, 3, 3],
        ]
    )
    bridged = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (1, 2)}
    assert recoverable(table, bridged) == [(1, 2)]
    result = suppress(table, also={(1, 2)})
    assert bridged < result.hidden
    assert not recoverable(table, set(result.hidden))


def test_columns_only_tables_hide_two_per_column():
    table = Table.of([[3, 10], [20, 10], [30, 2]], row_totals=False)
    result = suppress(table)
    assert not lines_with_one_hidden(table, set(result.hidden))
    assert all(column != table.width for _row, column in result.hidden)


def test_many_random_tables_show_no_small_count_and_no_recoverable_entry():
    chance = random.Random(SEED)
    hidden_somewhere = 0
    for _ in range(400):
        table = random_table(chance)
        hidden = set(suppress(table).hidden)
        hidden_somewhere += bool(hidden)
        assert not small_published(table, hidden), table
        assert not lines_with_one_hidden(table, hidden), table
        assert not recoverable(table, hidden), (table, sorted(hidden))
        # Published totals are the sums of the real counts, hidden or not.
        for row in range(table.height):
            if table.row_totals and (row, table.width) not in hidden:
                assert table.value((row, table.width)) == sum(table.cells[row])
    assert hidden_somewhere > 200, "the random tables should exercise suppression"


def test_shown_entries_keep_their_values_and_zeros_are_never_hidden_first():
    chance = random.Random(SEED + 1)
    for _ in range(200):
        table = random_table(chance)
        result = suppress(table)
        for position in table.positions():
            shown = result.shown(position)
            assert shown is None or shown == table.value(position)
        # A zero is hidden only when its line had nothing else left to hide.
        for position in result.hidden:
            if table.value(position) == 0:
                lines = [line for line in table.lines() if position in line]
                assert any(
                    all(p in result.hidden or table.value(p) == 0 for p in line) for line in lines
                )


def test_tables_sharing_row_totals_hide_the_same_totals():
    chance = random.Random(SEED + 2)
    for _ in range(150):
        height = chance.randint(1, 6)
        totals = [chance.choice([0, 1, 3, 6, 12, 40]) for _ in range(height)]
        by_language = [_split(total, 4, chance) for total in totals]
        by_category = [_split(total, 3, chance) for total in totals]
        first, second = suppress_sharing_row_totals(
            [Table.of(by_language, width=4), Table.of(by_category, width=3)]
        )
        shared_first = {row for row, column in first.hidden if column == 4}
        shared_second = {row for row, column in second.hidden if column == 3}
        assert shared_first == shared_second
        for result in (first, second):
            hidden = set(result.hidden)
            assert not small_published(result.table, hidden)
            assert not recoverable(result.table, hidden)


def test_tables_with_different_row_totals_are_refused():
    with pytest.raises(ValueError, match="row totals differ"):
        suppress_sharing_row_totals([Table.of([[1, 2]]), Table.of([[5]])])


def test_a_bad_table_is_refused():
    with pytest.raises(ValueError, match="same number"):
        Table.of([[1, 2], [3]])
    with pytest.raises(ValueError, match="negative"):
        Table.of([[-1]])


def _split(total: int, parts: int, chance: random.Random) -> list[int]:
    cuts = sorted(chance.randint(0, total) for _ in range(parts - 1))
    edges = [0, *cuts, total]
    return [edges[i + 1] - edges[i] for i in range(parts)]
