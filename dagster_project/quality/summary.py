"""What ingest set aside, in a few lines for the operator's console: the files rejected whole
and the rows quarantined per rule (from audit.ingest_ledger and audit.quarantine)."""

MAX_FILES = 10


def quarantine_summary(con) -> list[str]:
    """Lines to print at the end of a run; empty when nothing was set aside."""
    files = con.execute("""
        select q.table_name, q.file, q.rule, coalesce(q.column_name, '')
        from audit.quarantine q
        where q.row_number is null
        order by q.rule = 'duplicate_file', q.table_name, q.file
    """).fetchall()
    rules = con.execute("""
        select rule, count(*) as n_rows, count(distinct file) as n_files,
               string_agg(distinct table_name, ', ' order by table_name) as tables
        from audit.quarantine
        where row_number is not null
        group by rule
        order by n_rows desc, rule
    """).fetchall()
    lines = []
    if files:
        lines.append(f"Files rejected whole: {len(files)}")
        width = max(len(f) for _, f, _, _ in files[:MAX_FILES])
        for _, file, rule, column in files[:MAX_FILES]:
            lines.append(f"  {file:<{width}}  {rule}{f' ({column})' if column else ''}")
        if len(files) > MAX_FILES:
            lines.append(f"  … and {len(files) - MAX_FILES} more (audit.ingest_ledger)")
    if rules:
        total = sum(n for _, n, _, _ in rules)
        lines.append(f"Rows quarantined: {total:,} (audit.quarantine)")
        width = max(len(r) for r, _, _, _ in rules)
        lines.append(f"  {'rule':<{width}}  {'rows':>9}  {'files':>5}  tables")
        for rule, n, n_files, tables in rules:
            lines.append(f"  {rule:<{width}}  {n:>9,}  {n_files:>5,}  {tables}")
    return lines
