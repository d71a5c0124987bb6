"""Small counts: never publish a count that could single out a young person.

Two tools. The results, grant figures and outreach dashboard that leave the team round
every count by its cell key (`round_count`, at the end of this module): they are a
family of tables (organisation, teams, measures, any period) that one viewer can
subtract from each other, and rounding protects the whole family at once. Below first,
suppression of one fixed table with its totals (`suppress_table`), for a table that is
published alone.

Suppression hides counts from 1 to `threshold` (settings.LOSEN_SMALL_COUNT_THRESHOLD, 4
by default). Zero is published: it names nobody. A hidden value is `HIDDEN` (None) and
reads as `display(None)`, "–". We do not print a range such as "1–4": a cell hidden to
protect another one (secondary suppression, below) may hold any number, and a range
would lie about it.

The algorithm, for a table of true counts with its row and column totals:

1. Totals are computed from the true cells; the grand total is shown whenever row or
   column totals are.
2. Primary suppression hides every cell and every total from 1 to `threshold`.
3. Secondary suppression. Each published line is an equation: a row's cells sum to its
   row total, a column's to its column total, the row totals (and the column totals) to
   the grand total. A line with exactly one hidden member (a cell, or its own total)
   gives that member away by subtraction. While such a line exists (rows first, then
   columns, top to bottom and left to right), hide the smallest non-zero published
   member of that line; ties go to a cell before a total, then to the first position.
   One refinement over "smallest": a member whose crossing line already holds a
   hidden value goes first, since hiding it pairs up both lines at once; otherwise a
   single small count can cascade into hiding most of the table.
4. Equations can also be combined: two rows minus a column can reveal a cell even when
   every line holds two hidden members. Seen as a graph (rows and columns are nodes,
   hidden values are edges, lines without a published equation merge into one free
   node), a hidden value can be worked out exactly when its edge is a bridge, that is,
   it lies on no cycle. While a bridge exists, hide the smallest non-zero published
   value that closes a cycle through it (one that joins the two sides the bridge
   separates); failing that, the smallest one in a line through either end of the
   bridge, failing that, the smallest one touching the bridge's component; repeat.
   Hiding every non-zero value is always safe, so this ends.
5. Go back to 3 until nothing changes.

Guarantee: no hidden value can be computed exactly from the published figures by
linear algebra. Not covered: bounds. Because counts are not negative, a reader can
still bound a hidden value (for instance "at most 7"); narrowing such intervals needs
linear programming, which we do not attempt.

Shares (`share`) are hidden when either count is hidden or small.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

HIDDEN = None
"""A hidden count. Plain None so templates and `display` treat it uniformly."""

PLACEHOLDER = "–"
"""How a hidden count reads in pages and exports (an en dash, not a hyphen, so CSV and
XLSX do not take it for a minus sign or a formula)."""

Pos = tuple[int, int]  # (row, column) in the table with totals: row m, column n
_FREE = -1  # the node that stands for every line without a published total


@dataclass(frozen=True)
class SuppressedTable:
    """A table fit for publication. `None` marks a hidden value.

    `row_totals` and `column_totals` are empty lists when they were not asked for;
    `grand_total` is None when it is hidden or when no totals were asked for.
    `hidden` holds the (row, column) positions of the hidden cells, not the totals.
    """

    rows: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    grand_total: int | None
    hidden: frozenset[tuple[int, int]]


def is_small(value: int | None, *, threshold: int) -> bool:
    """Whether a count must be hidden on its own (primary suppression)."""
    return value is not None and 0 < value <= threshold


def suppress_series(
    values: list[int],
    *,
    threshold: int,
    total: int | None = None,
    also_hidden: Iterable[int] = (),
) -> list[int | None]:
    """Suppress one row or column. `total` is the line's published total, or None.

    When a total is published (it must equal the sum, and is not itself small), a line
    with a single hidden value also hides its smallest other non-zero value.
    `also_hidden` are positions hidden for reasons outside the line (they count as
    hidden here too).
    """
    _check_counts(values)
    hidden = {k for k, v in enumerate(values) if is_small(v, threshold=threshold)}
    hidden |= set(also_hidden)
    if total is not None:
        if total != sum(values):
            raise ValueError(f"total {total} is not the sum of the values ({sum(values)})")
        if not is_small(total, threshold=threshold):
            while len(hidden) == 1:
                candidates = [(v, k) for k, v in enumerate(values) if v > 0 and k not in hidden]
                if not candidates:  # the total is the hidden value: nothing left to hide
                    break
                hidden.add(min(candidates)[1])
    return [HIDDEN if k in hidden else v for k, v in enumerate(values)]


def protect_running_totals(
    monthly: Sequence[int | None], totals: Sequence[int | None]
) -> list[int | None]:
    """Running totals fit to publish beside the monthly counts they add up (None: hidden).

    Two published totals give the sum of the monthly counts between them, so a stretch
    of months holding exactly one hidden monthly count would give it away: the later
    total is hidden too, and the stretch runs on to the next published total.
    """
    published = list(totals)
    hidden_since_last_total = 0  # before the first month, the running total is 0
    for k, count in enumerate(monthly):
        if count is None:
            hidden_since_last_total += 1
        if published[k] is None:
            continue
        if hidden_since_last_total == 1:
            published[k] = None
        else:
            hidden_since_last_total = 0
    return published


def suppress_table(
    cells: list[list[int]],
    *,
    threshold: int,
    row_totals: bool = True,
    column_totals: bool = True,
) -> SuppressedTable:
    """Suppress a table of counts and its totals; see the module docstring."""
    m = len(cells)
    n = len(cells[0]) if m else 0
    if any(len(row) != n for row in cells):
        raise ValueError("every row must have as many cells as the first")
    for row in cells:
        _check_counts(row)
    has_grand = row_totals or column_totals

    # The augmented table: row m holds the column totals, column n the row totals.
    values: dict[tuple[int, int], int] = {(i, j): cells[i][j] for i in range(m) for j in range(n)}
    if row_totals:
        for i in range(m):
            values[i, n] = sum(cells[i])
    if column_totals:
        for j in range(n):
            values[m, j] = sum(cells[i][j] for i in range(m))
    if has_grand:
        values[m, n] = sum(sum(row) for row in cells)

    # A line has an equation when its total is published (before suppression).
    def row_has_equation(i: int) -> bool:
        return row_totals if i < m else column_totals

    def column_has_equation(j: int) -> bool:
        return column_totals if j < n else row_totals

    def node_of_row(i: int) -> int:
        return i if row_has_equation(i) else _FREE

    def node_of_column(j: int) -> int:
        return m + 1 + j if column_has_equation(j) else _FREE

    def ends(pos: tuple[int, int]) -> tuple[int, int]:
        return node_of_row(pos[0]), node_of_column(pos[1])

    members: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pos in values:
        for node in ends(pos):
            if node != _FREE:
                members[node].append(pos)

    hidden = {pos for pos, v in values.items() if is_small(v, threshold=threshold)}

    def order(pos: Pos) -> tuple[int, bool, int, int]:
        is_total = pos[0] == m or pos[1] == n
        return (values[pos], is_total, pos[0], pos[1])

    def smallest(candidates: Iterable[Pos], prefer: Any = lambda p: False) -> Pos | None:
        published = [p for p in candidates if p not in hidden and values[p] > 0]
        return min(published, key=lambda p: (prefer(p), *order(p))) if published else None

    def _opens_a_line(pos: Pos, line: int) -> bool:
        """Whether hiding `pos` leaves its other line with a single hidden value."""
        a, b = ends(pos)
        other = b if a == line else a
        return other != _FREE and not any(p in hidden for p in members[other])

    line_order = [node_of_row(i) for i in range(m + 1)] + [node_of_column(j) for j in range(n + 1)]
    while True:
        # Step 3: lines with exactly one hidden member.
        lonely = next(
            (
                node
                for node in line_order
                if node != _FREE and sum(p in hidden for p in members[node]) == 1
            ),
            None,
        )
        if lonely is not None:
            pick = smallest(members[lonely], prefer=lambda p, line=lonely: _opens_a_line(p, line))
            if pick is None:  # cannot happen for non-negative counts; fail safe
                raise AssertionError("a line with one hidden value has nothing else to hide")
            hidden.add(pick)
            continue
        # Step 4: hidden values that combinations of lines give away.
        bridge = _first_bridge(sorted(hidden), ends)
        if bridge is None:
            break
        hidden.add(_closing_pick(bridge, hidden, values, ends, members, smallest))

    def shown(pos: tuple[int, int]) -> int | None:
        return HIDDEN if pos in hidden else values[pos]

    return SuppressedTable(
        rows=[[shown((i, j)) for j in range(n)] for i in range(m)],
        row_totals=[shown((i, n)) for i in range(m)] if row_totals else [],
        column_totals=[shown((m, j)) for j in range(n)] if column_totals else [],
        grand_total=shown((m, n)) if has_grand else None,
        hidden=frozenset(p for p in hidden if p[0] < m and p[1] < n),
    )


def share(part: int | None, whole: int | None, *, threshold: int) -> float | None:
    """`part / whole` as a fraction (0.25 for a quarter), or None when it would reveal
    a hidden or small count, or when `whole` is zero. At most 1: of rounded counts, a
    part can come out above its whole."""
    if part is None or whole is None or whole == 0:
        return None
    if is_small(part, threshold=threshold) or is_small(whole, threshold=threshold):
        return None
    return min(part / whole, 1.0)


def display(value: Any, *, placeholder: str = PLACEHOLDER) -> str:
    """A published value as text: hidden values read as the placeholder ("–")."""
    if value is HIDDEN:
        return placeholder
    return str(value)


def configured_threshold() -> int:
    """The threshold from settings.LOSEN_SMALL_COUNT_THRESHOLD (4 when unset)."""
    from django.conf import settings

    return int(getattr(settings, "LOSEN_SMALL_COUNT_THRESHOLD", 4))


def suppress_table_configured(cells: list[list[int]], **kwargs: Any) -> SuppressedTable:
    """`suppress_table` with the threshold from settings."""
    return suppress_table(cells, threshold=configured_threshold(), **kwargs)


def _check_counts(values: Iterable[int]) -> None:
    for v in values:
        if v < 0:
            raise ValueError(f"counts cannot be negative: {v}")


def _first_bridge(edges: list[Pos], ends: Any) -> Pos | None:
    """The first hidden value (in `edges` order) that lies on no cycle, or None.

    Tarjan's bridge finding on a multigraph, iterative so big tables do not hit the
    recursion limit. Parallel edges and self-loops are never bridges.
    """
    adjacency: dict[int, list[tuple[int, int]]] = defaultdict(list)  # node -> (other, edge)
    for k, pos in enumerate(edges):
        a, b = ends(pos)
        adjacency[a].append((b, k))
        if a != b:
            adjacency[b].append((a, k))
    discovered: dict[int, int] = {}
    low: dict[int, int] = {}
    bridges: set[int] = set()
    for root in sorted(adjacency):
        if root in discovered:
            continue
        discovered[root] = low[root] = len(discovered)
        stack = [(root, -1, iter(adjacency[root]))]
        while stack:
            node, via, neighbours = stack[-1]
            advanced = False
            for other, k in neighbours:
                if k == via:
                    continue
                if other in discovered:
                    low[node] = min(low[node], discovered[other])
                else:
                    discovered[other] = low[other] = len(discovered)
                    stack.append((other, k, iter(adjacency[other])))
                    advanced = True
                    break
            if advanced:
                continue
            stack.pop()
            if stack:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[node])
                if low[node] > discovered[parent]:
                    bridges.add(via)
    return edges[min(bridges)] if bridges else None


def _closing_pick(
    bridge: Pos,
    hidden: set[Pos],
    values: dict[Pos, int],
    ends: Any,
    members: dict[int, list[Pos]],
    smallest: Any,
) -> Pos:
    """The value to hide so that `bridge` is no longer a bridge (or closer to it)."""
    adjacency: dict[int, list[int]] = defaultdict(list)
    for pos in hidden:
        if pos == bridge:
            continue
        a, b = ends(pos)
        adjacency[a].append(b)
        adjacency[b].append(a)

    def side(start: int) -> set[int]:
        seen = {start}
        todo = [start]
        while todo:
            for other in adjacency[todo.pop()]:
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        return seen

    a, b = ends(bridge)
    side_a, side_b = side(a), side(b)
    joining = [
        p
        for p in values
        if (ends(p)[0] in side_a and ends(p)[1] in side_b)
        or (ends(p)[0] in side_b and ends(p)[1] in side_a)
    ]
    for candidates in (
        joining,
        [p for node in (a, b) if node != _FREE for p in members[node]],
        [p for p in values if ends(p)[0] in side_a | side_b or ends(p)[1] in side_a | side_b],
    ):
        pick = smallest(candidates)
        if pick is not None:
            return pick
    raise AssertionError("nothing left to hide next to a bridge")  # all non-zero hidden


# --- Rounding with cell keys: one protection for every table a viewer can ask for -----
#
# Suppressing each table on its own protects that table only: a manager who can ask for
# the organisation, each team, each measure and any start month gets a hidden "2" back
# as the organisation's figure minus the other teams', or as a running total from January
# minus the one from February. Instead, every count that leaves the team is rounded to a
# multiple of `base` (the threshold plus one: 5), up or down as a *cell key* decides:
#
# - every record (a case, a follow-up, a person on a list, a contact attempt) has a
#   *record key*, a number from 0 to KEY_MODULUS - 1 computed from its id with a secret
#   drawn from settings.SECRET_KEY (`key_coefficients`): the viewer cannot compute it;
# - a cell's key is the sum of its records' keys, modulo KEY_MODULUS: the same records
#   give the same key, whichever table, filter or period they are counted in;
# - a count t with remainder r = t mod base is rounded up (to t - r + base) when
#   key / KEY_MODULUS < r / base, else down (to t - r). Zero stays zero. On average the
#   rounding adds nothing (it is unbiased), and a cell is always rounded the same way, so
#   asking again and averaging gains nothing.
#
# This is the cell-key method of ABS and ONS with random rounding as its perturbation
# table (as Statistics New Zealand rounds to base 3). Why it holds against differencing:
# every published count is a multiple of `base`, so any sum or difference of published
# counts (organisation minus team, two running totals, and any combination) is one too,
# and never a count from 1 to `threshold`. No count from 1 to `threshold` is published
# at all: it reads as 0 or `base`. What is not covered: bounds. A rounded count lies
# within base - 1 of the true one, and a reader who combines many tables can narrow that
# interval; the errors of different cells are independent of each other only as far as
# their records differ.
#
# The price: rounded cells need not add up to their rounded totals (the page says so).

KEY_MODULUS = 2_147_483_647  # 2**31 - 1, a prime: keys and their products fit in 64 bits


def rounding_base(*, threshold: int) -> int:
    """Counts are rounded to multiples of this: one more than the largest hidden count."""
    return threshold + 1


def round_count(count: int, key: int, *, threshold: int) -> int:
    """`count` rounded to a multiple of `rounding_base`, the way its cell key says."""
    if count < 0:
        raise ValueError(f"counts cannot be negative: {count}")
    base = rounding_base(threshold=threshold)
    remainder = count % base
    if remainder == 0:
        return count
    down = count - remainder
    # key / KEY_MODULUS < remainder / base, in integers.
    return down + base if (key % KEY_MODULUS) * base < remainder * KEY_MODULUS else down


@dataclass(frozen=True)
class KeyCoefficients:
    """A record key is (a * id + b) * id + c modulo KEY_MODULUS (an SQL expression too)."""

    a: int
    b: int
    c: int

    def key(self, pk: int) -> int:
        m = KEY_MODULUS
        return ((((self.a * pk) % m + self.b) % m) * pk % m + self.c) % m

    def sql(self, column: str) -> str:
        """The same key as an SQL expression over an integer `column` (SQLite, PostgreSQL),
        for a query run with parameters (its modulo signs are written "%%").

        Every intermediate value stays below 2**62.
        """
        m = KEY_MODULUS
        pk = f"CAST({column} AS BIGINT)"
        inner = f"((({self.a} * {pk}) %% {m} + {self.b}) %% {m})"
        return f"((({inner} * {pk}) %% {m} + {self.c}) %% {m})"


def key_coefficients(kind: str) -> KeyCoefficients:
    """The secret coefficients of one kind of record ("case", "follow_up", ...).

    Drawn from settings.SECRET_KEY by HMAC-SHA256, so they are the same in every process
    and unknown to anyone without the key.
    """
    import hashlib
    import hmac

    from django.conf import settings

    digest = hmac.new(
        str(settings.SECRET_KEY).encode(), f"losen cell key: {kind}".encode(), hashlib.sha256
    ).digest()
    a, b, c = (int.from_bytes(digest[k : k + 8], "big") % (KEY_MODULUS - 1) + 1 for k in (0, 8, 16))
    return KeyCoefficients(a, b, c)


def cell_key(record_keys: Iterable[int]) -> int:
    """A cell's key: the sum of its records' keys, modulo KEY_MODULUS."""
    return sum(record_keys) % KEY_MODULUS
