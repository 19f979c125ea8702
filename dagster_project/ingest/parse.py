"""Normalise and parse delivered text into the contract's types, as polars expressions.

Each function takes the expression of a normalised text column (NFC, trimmed, empty = null)
and returns the parsed value, null where the text does not parse. Whether a null is an error
is decided by the column checks (ingest/checks/columns.py), which compare the text with the
parsed value.
Forms accepted (docs/delivery_contract.md, common rules):
- dates: `2025-06-30` (a time part is ignored), `30/06/2025`, `30-06-2025` (a year of four
  digits: `21/7/25` is not a date), Excel serial numbers (5 digits, e.g. `45838`), and for a
  birth date a year alone (`1968` = 1 January); the range (from 1900) is checked by the
  column checks;
- decimals: `3,66` and `3.66`;
- whole numbers and money: `10705500`, `10.705.500`, `10,705,500`, `10705500.0`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import polars as pl

from dagster_project.contract import (
    BOOLEAN,
    CODE,
    DATE,
    DECIMAL,
    ENUM,
    FALSE_VALUES,
    INTEGER,
    TEXT,
    TRUE_VALUES,
    Column,
    Kind,
)

EXCEL_EPOCH = date(1899, 12, 30)


# Characters a string must contain for NFC to change it: combining marks (a decomposed
# "ễ" is "e" + U+0302 + U+0303), Hangul jamo, and the few singletons NFC maps elsewhere.
MAY_CHANGE_UNDER_NFC = (
    r"[\p{M}\u0374\u037E\u0387\u1100-\u11FF\u1F71-\u1FFD\u2126\u212A\u212B\u2329\u232A"
    r"\uF900-\uFAFF]"
)


def text(expr: pl.Expr) -> pl.Expr:
    """Surrounding whitespace removed, empty -> null."""
    s = expr.str.strip_chars()
    return pl.when(s.str.len_bytes() == 0).then(None).otherwise(s)


def nfc(series: pl.Series) -> pl.Series:
    """NFC-normalise a text column. Only the values that can change are normalised (a scan is
    8x cheaper than normalising every value, and almost every value is NFC already)."""
    mask = series.str.contains(MAY_CHANGE_UNDER_NFC).fill_null(False)
    if not mask.any():
        return series
    idx = mask.arg_true()
    return series.clone().scatter(idx, series.gather(idx).str.normalize("NFC"))


def folded(expr: pl.Expr) -> pl.Expr:
    """For matching enumerations: lower case, inner whitespace collapsed."""
    return expr.str.to_lowercase().str.replace_all(r"\s+", " ")


def parse_date(s: pl.Expr, year_only: bool = False) -> pl.Expr:
    head = s.str.slice(0, 10)
    iso = pl.when((s.str.len_bytes() == 10) | s.str.slice(10, 1).is_in([" ", "T"])).then(
        head.str.to_date("%Y-%m-%d", strict=False)
    )
    # 30/06/2025 and 30-06-2025: one parse after unifying the separator. A year of fewer than
    # four digits (21/7/25, Excel's short date) is not read as the year 25 or guessed.
    dmy = pl.when(~s.str.contains(r"^\d{1,2}[/-]\d{1,2}[/-]\d{1,3}$")).then(
        s.str.replace_all("-", "/", literal=True).str.to_date("%d/%m/%Y", strict=False))
    number = s.cast(pl.Float64, strict=False)
    serial = pl.when((number >= 10000) & (number < 100000)).then(
        pl.lit(EXCEL_EPOCH) + pl.duration(days=number.floor().cast(pl.Int64))
    )
    forms = [iso, dmy, serial]
    if year_only:
        forms.append(
            pl.when((s.str.len_bytes() == 4) & (number >= 1900) & (number < 2100))
            .then(pl.date(number.cast(pl.Int32), 1, 1))
        )
    return pl.coalesce(forms)


def parse_decimal(s: pl.Expr) -> pl.Expr:
    """`3.66` or `3,66` (a single comma is the decimal mark)."""
    t = pl.when(s.str.contains(",", literal=True) & ~s.str.contains(".", literal=True)).then(
        s.str.replace(",", ".", literal=True)
    ).otherwise(s)
    v = t.cast(pl.Float64, strict=False)
    return pl.when(v.is_finite()).then(v)


def parse_integer(s: pl.Expr) -> pl.Expr:
    """`10705500`, `10.705.500`, `10,705,500`; a whole number written `12.0` (spreadsheets)."""
    plain = s.cast(pl.Int64, strict=False)
    grouped = pl.when(s.str.contains(r"^[+-]?\d{1,3}(?:\.\d{3})+$|^[+-]?\d{1,3}(?:,\d{3})+$")).then(
        s.str.replace_all(r"[.,]", "").cast(pl.Int64, strict=False)
    )
    number = s.cast(pl.Float64, strict=False)
    whole = pl.when(number.is_finite() & (number == number.floor()) & (number.abs() < 2**53)).then(
        number.cast(pl.Int64)
    )
    return pl.coalesce(plain, grouped, whole)


def parse_code(s: pl.Expr, digits: int | None) -> pl.Expr:
    """Digits kept as text. Unit codes of up to 5 digits get back leading zeros a spreadsheet
    dropped (`4` -> `04`); a national ID must have all 12 digits as delivered."""
    if digits is None:
        return s
    padded = s.str.zfill(digits) if digits <= 5 else s
    return pl.when(padded.str.contains(rf"^\d{{{digits}}}$")).then(padded)


def enum_lookup(column: Column) -> dict[str, str]:
    """Folded accepted spelling -> canonical value."""
    out = {}
    for canonical, aliases in column.values.items():
        for v in (canonical, *aliases):
            out[" ".join(v.split()).lower()] = canonical
    return out


def parse_enum(s: pl.Expr, column: Column) -> pl.Expr:
    return folded(s).replace_strict(enum_lookup(column), default=None, return_dtype=pl.String)


def parse_boolean(s: pl.Expr) -> pl.Expr:
    mapping = {v: True for v in TRUE_VALUES} | {v: False for v in FALSE_VALUES}
    return folded(s).replace_strict(mapping, default=None, return_dtype=pl.Boolean)


# Fast paths. Almost every delivered value is already in its plain form (`3.66`, `10705500`,
# `cadre`, a trimmed NFC name). For those a single vectorised cast or lookup gives exactly what
# normalising and parsing would; the few other values take the full path (below). Each
# function takes the expression of the text as delivered and returns the parsed value where it
# can prove the full path gives the same, else null. As expressions, the fast paths of all
# columns of a batch run in one select, in parallel.

# Text that trimming or NFC could change, or that is empty: not plain.
NOT_PLAIN_TEXT = r"^$|^\s|\s$|" + MAY_CHANGE_UNDER_NFC


def plain_decimal(raw: pl.Expr) -> pl.Expr:
    """`3.66` as delivered: the cast rejects surrounding whitespace and a decimal comma."""
    v = raw.cast(pl.Float64, strict=False)
    return pl.when(v.is_finite()).then(v)


def plain_integer(raw: pl.Expr) -> pl.Expr:
    """`10705500` as delivered."""
    return raw.cast(pl.Int64, strict=False)


def plain_code(raw: pl.Expr, digits: int | None) -> pl.Expr:
    """A code delivered with all its digits."""
    if digits is None:
        return plain_text(raw)
    return pl.when(raw.str.contains(rf"^\d{{{digits}}}$")).then(raw)


def plain_text(raw: pl.Expr) -> pl.Expr:
    """Text that is non-empty, trimmed and NFC as delivered."""
    return pl.when(~raw.str.contains(NOT_PLAIN_TEXT)).then(raw)


def plain_lookup(raw: pl.Expr, known: dict, dtype: pl.DataType) -> pl.Expr:
    """Spellings whose parsed value is known (`known`: delivered text -> parsed value)."""
    return raw.replace_strict(known, default=None, return_dtype=dtype)


# --- one table per column kind: how its values are parsed --------------------------------

@dataclass(frozen=True)
class Parser:
    full: Callable[[pl.Expr, Column], pl.Expr]  # normalised text -> parsed value (or null)
    plain: Callable[[pl.Expr, Column], pl.Expr] | None  # as delivered -> value where plain
    nfc: bool = False  # normalise to NFC before parsing (text the value is compared as)


def _lookup(raw: pl.Expr, c: Column) -> pl.Expr:
    return plain_lookup(raw, *_known_spellings(c))


PARSERS: dict[Kind, Parser] = {
    TEXT: Parser(lambda s, c: s, lambda r, c: plain_text(r), nfc=True),
    CODE: Parser(lambda s, c: parse_code(s, c.digits), lambda r, c: plain_code(r, c.digits)),
    # Dates have no fast path: a column repeats few dates, and parsing each distinct one
    # (full_parse_series) beats parsing every row.
    DATE: Parser(lambda s, c: parse_date(s, year_only=c.year_only), None),
    DECIMAL: Parser(lambda s, c: parse_decimal(s), lambda r, c: plain_decimal(r)),
    INTEGER: Parser(lambda s, c: parse_integer(s), lambda r, c: plain_integer(r)),
    ENUM: Parser(parse_enum, _lookup, nfc=True),
    BOOLEAN: Parser(lambda s, c: parse_boolean(s), _lookup),
}


def normalise_and_parse(values: pl.Series, c: Column) -> pl.DataFrame:
    """Columns r (as delivered), s (trimmed, NFC for text, null when blank) and v (parsed)."""
    parser = PARSERS[c.kind]
    f = pl.DataFrame({"r": values}).with_columns(text(pl.col("r")).alias("s"))
    if parser.nfc:
        f = f.with_columns(nfc(f.get_column("s")))
    return f.with_columns(parser.full(pl.col("s"), c).alias("v"))


def _spellings(c: Column) -> list[str]:
    """Likely deliveries of an enumeration or boolean: each accepted spelling in a few cases."""
    if c.kind == BOOLEAN:
        words = [*TRUE_VALUES, *FALSE_VALUES]
    else:
        words = [w for canonical, aliases in c.values.items() for w in (canonical, *aliases)]
    return sorted({v for w in words for v in (w, w.lower(), w.upper(), w.capitalize(), w.title())})


_KNOWN: dict[tuple, tuple[dict, pl.DataType]] = {}


def _known_spellings(c: Column) -> tuple[dict, pl.DataType]:
    # The known spellings are parsed by the full path itself, so they agree by construction.
    key = (c.kind, tuple((k, tuple(v)) for k, v in c.values.items()))
    if key not in _KNOWN:
        f = normalise_and_parse(pl.Series(_spellings(c), dtype=pl.String), c).drop_nulls("v")
        _KNOWN[key] = dict(zip(f["r"], f["v"], strict=True)), f["v"].dtype
    return _KNOWN[key]


def parse_columns(df: pl.DataFrame, columns: list[Column]) -> list[pl.Series]:
    """(parsed value `c`, blank mask `__blank_c`) of each column, from the delivered text in
    `__raw_c`. The fast paths of all columns run in one select (in parallel); only values not
    in plain form are then normalised and parsed in full, column by column."""
    fast = []
    for c in columns:
        r = pl.col(f"__raw_{c.name}")
        plain = PARSERS[c.kind].plain
        if plain is not None:
            fast += [plain(r, c).alias(f"__plain_{c.name}"),
                     (r.is_null() | (r == "")).alias(f"__blank_{c.name}")]
    plain_frame = df.select(fast)
    out = []
    for c in columns:
        delivered = df.get_column(f"__raw_{c.name}")
        if f"__plain_{c.name}" not in plain_frame.columns:
            out.extend(full_parse_series(delivered, c))
            continue
        plain = plain_frame.get_column(f"__plain_{c.name}")
        is_blank = plain_frame.get_column(f"__blank_{c.name}")
        rest = plain.is_null() & ~is_blank
        if rest.any():
            idx = rest.arg_true()
            v, blank = full_parse_series(delivered.gather(idx), c)
            plain = plain.cast(v.dtype).scatter(idx, v)
            is_blank = is_blank.scatter(idx, blank)
        out += [plain.alias(c.name), is_blank.alias(f"__blank_{c.name}")]
    return out


def parse_series(delivered: pl.Series, c: Column) -> tuple[pl.Series, pl.Series]:
    """(parsed value, blank mask) of one column (parse_columns for a single column)."""
    v, is_blank = parse_columns(pl.DataFrame({f"__raw_{c.name}": delivered}), [c])
    return v, is_blank


def full_parse_series(delivered: pl.Series, c: Column) -> tuple[pl.Series, pl.Series]:
    """(parsed value, blank mask) of one column. Most columns repeat few values (categories,
    coefficients, dates, unit codes), so each distinct value is normalised and parsed once and
    mapped back: several times faster at scale. Columns of mostly distinct values (names,
    IDs) are processed row by row."""
    distinct = delivered.drop_nulls().unique()
    if len(distinct) * 4 < len(delivered):
        f = normalise_and_parse(distinct, c)
        v = delivered.replace_strict(f.get_column("r"), f.get_column("v"), default=None,
                                     return_dtype=f.get_column("v").dtype)
        blanks = f.filter(pl.col("s").is_null()).get_column("r")
        is_blank = delivered.is_null()
        if len(blanks):
            is_blank = is_blank | delivered.is_in(blanks.implode())
    else:
        f = normalise_and_parse(delivered, c)
        v, is_blank = f.get_column("v"), f.get_column("s").is_null()
    return v.alias(c.name), is_blank.alias(f"__blank_{c.name}")
