import random
from fractions import Fraction

import pytest

from losen.lib.suppression import (
    HIDDEN,
    KEY_MODULUS,
    cell_key,
    configured_threshold,
    display,
    key_coefficients,
    protect_running_totals,
    round_count,
    rounding_base,
    share,
    suppress_series,
    suppress_table,
    suppress_table_configured,
)


def published_lines(table, m, n, *, row_totals=True, column_totals=True):
    """Each published equation as (members, total), members and total being values."""
    lines = []
    if row_totals:
        lines += [(table.rows[i], table.row_totals[i]) for i in range(m)]
        lines.append((table.row_totals, table.grand_total))
    if column_totals:
        lines += [([table.rows[i][j] for i in range(m)], table.column_totals[j]) for j in range(n)]
        lines.append((table.column_totals, table.grand_total))
    return lines


def determined_hidden_values(table, m, n, *, row_totals=True, column_totals=True):
    """Hidden positions that exact linear algebra recovers from what is published.

    Independent of the module's graph reasoning: Gaussian elimination over the rationals
    on the published equations; a hidden value is determined when its column is a pivot
    whose row has no other unknown left in it.
    """
    entries = {(i, j): table.rows[i][j] for i in range(m) for j in range(n)}
    if row_totals:
        entries.update({(i, n): table.row_totals[i] for i in range(m)})
    if column_totals:
        entries.update({(m, j): table.column_totals[j] for j in range(n)})
    entries[m, n] = table.grand_total
    unknowns = sorted(p for p, v in entries.items() if v is None)
    index = {p: k for k, p in enumerate(unknowns)}
    equations = []
    if row_totals:
        equations += [[*((i, j) for j in range(n)), ("-", (i, n))] for i in range(m)]
        equations.append([*((i, n) for i in range(m)), ("-", (m, n))])
    if column_totals:
        equations += [[*((i, j) for i in range(m)), ("-", (m, j))] for j in range(n)]
        equations.append([*((m, j) for j in range(n)), ("-", (m, n))])
    matrix = []
    for equation in equations:
        row = [Fraction(0)] * len(unknowns)
        for item in equation:
            sign, pos = (-1, item[1]) if item[0] == "-" else (1, item)
            if pos in index:
                row[index[pos]] += sign
        matrix.append(row)
    pivots = {}
    r = 0
    for c in range(len(unknowns)):
        pivot = next((k for k in range(r, len(matrix)) if matrix[k][c] != 0), None)
        if pivot is None:
            continue
        matrix[r], matrix[pivot] = matrix[pivot], matrix[r]
        matrix[r] = [x / matrix[r][c] for x in matrix[r]]
        for k in range(len(matrix)):
            if k != r and matrix[k][c] != 0:
                factor = matrix[k][c]
                matrix[k] = [a - factor * b for a, b in zip(matrix[k], matrix[r], strict=True)]
        pivots[c] = r
        r += 1
    return {
        unknowns[c]
        for c, row in pivots.items()
        if all(x == 0 for k, x in enumerate(matrix[row]) if k != c)
    }


def random_tables(seed, count):
    rng = random.Random(seed)
    for _ in range(count):
        m, n = rng.randint(1, 6), rng.randint(1, 8)
        # Plenty of zeros and small counts, as in a small municipality.
        choices = [0, 0, 1, 2, 3, 4, 5]
        yield [[rng.choice([*choices, rng.randint(0, 30)]) for _ in range(n)] for _ in range(m)]


@pytest.mark.parametrize(
    ("seed", "row_totals", "column_totals"),
    [(1, True, True), (2, True, True), (3, True, False), (4, False, True)],
)
def test_no_hidden_value_can_be_recovered_from_the_published_figures(
    seed, row_totals, column_totals
):
    count = 150 if seed <= 2 else 50
    for cells in random_tables(seed, count):
        m, n = len(cells), len(cells[0])
        table = suppress_table(
            cells, threshold=4, row_totals=row_totals, column_totals=column_totals
        )
        for line, total in published_lines(
            table, m, n, row_totals=row_totals, column_totals=column_totals
        ):
            hidden = sum(v is None for v in line) + (total is None)
            assert hidden != 1, (cells, table)
        assert not determined_hidden_values(
            table, m, n, row_totals=row_totals, column_totals=column_totals
        ), (cells, table)


def test_every_published_value_is_true_and_no_small_count_is_published():
    for cells in random_tables(5, 100):
        m, n = len(cells), len(cells[0])
        table = suppress_table(cells, threshold=4)
        for i in range(m):
            for j in range(n):
                shown = table.rows[i][j]
                assert shown in (None, cells[i][j])
                assert shown is None or not 1 <= shown <= 4
                assert (shown is None) == ((i, j) in table.hidden)
        for i in range(m):
            assert table.row_totals[i] in (None, sum(cells[i]))
        for j in range(n):
            assert table.column_totals[j] in (None, sum(row[j] for row in cells))
        assert table.grand_total in (None, sum(map(sum, cells)))


def test_a_single_small_count_in_a_row_with_a_published_total_hides_a_second_cell():
    assert suppress_series([3, 10, 7, 0], threshold=4, total=20) == [None, 10, None, 0]


def test_a_series_without_a_published_total_hides_only_the_small_counts():
    assert suppress_series([3, 10, 7, 0], threshold=4) == [None, 10, 7, 0]


def test_a_series_refuses_a_total_that_is_not_the_sum():
    with pytest.raises(ValueError):
        suppress_series([3, 10], threshold=4, total=20)


def test_a_single_small_count_in_a_table_hides_a_second_cell_in_its_row_and_column():
    table = suppress_table([[3, 10, 7], [8, 12, 9], [6, 11, 15]], threshold=4)
    assert table.hidden == {(0, 0), (0, 2), (2, 0), (2, 2)}
    assert table.rows[1] == [8, 12, 9]
    assert table.row_totals == [20, 29, 32]
    assert table.column_totals == [17, 33, 31]
    assert table.grand_total == 81


def test_zeros_are_never_hidden():
    table = suppress_table([[0, 3, 0], [0, 9, 0], [0, 2, 0]], threshold=4)
    for i in range(3):
        assert table.rows[i][0] == 0
        assert table.rows[i][2] == 0
    assert table.column_totals[0] == 0
    # 3 and 2 are hidden, and so are their row totals, which equal them.
    assert table.rows[0][1] is None and table.rows[2][1] is None
    assert table.row_totals[0] is None and table.row_totals[2] is None


def test_a_small_total_is_hidden():
    table = suppress_table([[1, 2], [10, 20]], threshold=4)
    assert table.row_totals[0] is None
    assert table.rows[0] == [None, None]


def test_a_hidden_value_that_only_combined_lines_reveal_is_protected_too():
    # Row and column rules alone leave two hidden values in every line here, yet the
    # sum of rows 0 and 3 (from the grand total) minus column 0 would give away the 2
    # in the corner. Hiding column 0's total (13) closes that route.
    cells = [[5, 0, 0], [5, 0, 0], [0, 21, 3], [3, 0, 2]]
    table = suppress_table(cells, threshold=4)
    assert table.hidden == {(0, 0), (2, 1), (2, 2), (3, 0), (3, 2)}
    assert table.column_totals == [None, None, None]
    assert table.row_totals == [None, 5, 24, None]
    assert not determined_hidden_values(table, 4, 3)


def test_shares_from_hidden_or_small_counts_are_hidden():
    assert share(HIDDEN, 20, threshold=4) is None
    assert share(10, HIDDEN, threshold=4) is None
    assert share(3, 20, threshold=4) is None
    assert share(10, 0, threshold=4) is None
    assert share(0, 20, threshold=4) == 0
    assert share(10, 40, threshold=4) == 0.25


def test_the_threshold_is_configurable():
    assert suppress_series([5, 9], threshold=4) == [5, 9]
    assert suppress_series([5, 9], threshold=5) == [None, 9]
    assert suppress_series([5, 9], threshold=0) == [5, 9]
    assert suppress_table([[1]], threshold=0).rows == [[1]]


def test_the_convenience_wrapper_reads_the_threshold_from_settings(settings):
    settings.LOSEN_SMALL_COUNT_THRESHOLD = 9
    assert configured_threshold() == 9
    assert suppress_table_configured([[9, 30], [40, 50]]).rows[0][0] is None


def test_hidden_values_read_as_a_dash():
    assert display(HIDDEN) == "–"
    assert display(0) == "0"
    assert display(12) == "12"
    assert display(HIDDEN, placeholder="1–4") == "1–4"


def test_tables_without_totals_hide_only_small_counts():
    table = suppress_table([[3, 10], [8, 12]], threshold=4, row_totals=False, column_totals=False)
    assert table.rows == [[None, 10], [8, 12]]
    assert table.row_totals == []
    assert table.column_totals == []
    assert table.grand_total is None


def test_empty_tables_and_negative_counts():
    assert suppress_table([], threshold=4).rows == []
    with pytest.raises(ValueError):
        suppress_table([[1, -1]], threshold=4)


def test_a_running_total_that_would_give_one_hidden_month_away_is_hidden_too():
    # Monthly 6, hidden 2, 6; totals 6, 8, 14: 8 − 6 and 14 − 6 − 6 both give the 2 away.
    assert protect_running_totals([6, None, 6], [6, 8, 14]) == [6, None, None]
    # Two hidden months between published totals give only their sum.
    assert protect_running_totals([6, None, None, 6], [6, 8, 10, 16]) == [6, None, 10, 16]
    assert protect_running_totals([6, 7, 8], [6, 13, 21]) == [6, 13, 21]


def test_values_hidden_for_outside_reasons_count_as_hidden_in_the_line():
    # The 10 is hidden elsewhere; beside the total 30 it needs a second hidden value.
    assert suppress_series([10, 12, 8], threshold=4, total=30, also_hidden=[0]) == [
        None,
        12,
        None,
    ]
    # When the hidden value is the whole total, there is nothing left to hide.
    assert suppress_series([0, 9, 0], threshold=4, total=9, also_hidden=[1]) == [0, None, 0]


# --- rounding with cell keys ----------------------------------------------------------


def test_zero_and_multiples_of_five_are_published_as_they_are():
    for key in (0, KEY_MODULUS // 2, KEY_MODULUS - 1):
        assert round_count(0, key, threshold=4) == 0
        assert round_count(35, key, threshold=4) == 35


def test_a_count_from_one_to_four_reads_as_zero_or_five_and_never_as_itself():
    for count in range(1, 5):
        shown = {round_count(count, key, threshold=4) for key in range(0, KEY_MODULUS, 9973)}
        assert shown == {0, 5}


def test_rounding_is_unbiased_over_cell_keys():
    keys = range(0, KEY_MODULUS, KEY_MODULUS // 1000)
    for count in (1, 3, 28, 44):
        mean = sum(round_count(count, key, threshold=4) for key in keys) / len(keys)
        assert abs(mean - count) < 0.05


def test_the_rounding_base_follows_the_threshold():
    assert rounding_base(threshold=4) == 5
    assert {round_count(7, key, threshold=2) for key in range(0, KEY_MODULUS, 7919)} == {6, 9}


def test_a_cell_key_is_the_sum_of_its_record_keys_whatever_their_order():
    keys = key_coefficients("case")
    records = [keys.key(pk) for pk in (3, 17, 40_000)]
    assert cell_key(records) == cell_key(reversed(records)) == sum(records) % KEY_MODULUS
    # So a union of two cells of different records has the sum of their keys.
    assert cell_key([cell_key(records[:1]), cell_key(records[1:])]) == cell_key(records)


def test_the_sql_record_key_is_the_python_one():
    import sqlite3

    keys = key_coefficients("case")
    database = sqlite3.connect(":memory:")
    database.execute("CREATE TABLE t (id INTEGER)")
    ids = [1, 2, 999_999, 2**31 - 1]
    database.executemany("INSERT INTO t VALUES (?)", [(pk,) for pk in ids])
    # Written for a query with parameters: "%%" is the modulo sign once formatted.
    sql = f"SELECT id, {keys.sql('id')} FROM t ORDER BY id" % ()  # noqa: S608
    assert dict(database.execute(sql).fetchall()) == {pk: keys.key(pk) for pk in ids}


def test_record_keys_come_from_the_secret_key_and_differ_by_kind(settings):
    cases = key_coefficients("case")
    assert key_coefficients("follow_up") != cases
    settings.SECRET_KEY = "another secret entirely, long enough for the test"
    assert key_coefficients("case") != cases
