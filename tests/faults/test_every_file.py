"""Every file under raw/ is in the ledger: loaded, rejected or ignored with a reason; links
are not followed out of raw/."""

import os

from tests.faults.conftest import ID, NAME, csv_bytes, deliver, ingest

ROSTER = "personnel/roster_2025-06-30.csv"


def test_every_file_under_raw_is_in_the_ledger(con, raw, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret_2025-06-30.csv").write_bytes(csv_bytes())
    deliver(raw, ROSTER, csv_bytes())
    strays = {
        "personnel/old_2025-06-30.xls": b"\xd0\xcf\x11\xe0 an Excel 97 workbook",
        "personnel/notes.txt": b"ghi chu",
        "personnel/README": b"no suffix",
        "personnel/~$roster_2025-06-30.xlsx": b"lock",
        "Personnel/roster_2025-07-31.csv": csv_bytes(),
        "personnel_extra/roster_2025-07-31.csv": csv_bytes(),
        "roster_2025-08-31.csv": csv_bytes(),
        "_manifest/deliveries.csv": b"a,b\n1,2\n",
        "reference/my_units.csv": b"a,b\n1,2\n",
    }
    for rel, data in strays.items():
        deliver(raw, rel, data)
    links = {
        "personnel/outside_2025-06-30.csv": outside / "secret_2025-06-30.csv",
        "personnel/dangling_2025-06-30.csv": raw / "personnel" / "gone.csv",
        "personnel/folder_link": outside,
        "personnel/roster_link_2025-06-30.csv": raw / ROSTER,
    }
    for rel, target in links.items():
        os.symlink(target, raw / rel)
    os.mkfifo(raw / "personnel" / "pipe.csv")

    out = ingest(con, raw, "personnel")
    on_disk = {p.relative_to(raw).as_posix() for p in raw.rglob("*")
               if p.is_symlink() or not p.is_dir()} - {"units/units.csv"}
    assert on_disk == set(strays) | set(links) | {ROSTER, "personnel/pipe.csv"}  # rglob saw them all
    by_file = {r["file"]: r for r in out.ledger}
    assert on_disk <= set(by_file), on_disk - set(by_file)
    assert by_file[ROSTER]["status"] == "loaded"
    # a link inside raw/ to a delivered file is that file again: set aside as a copy
    assert by_file["personnel/roster_link_2025-06-30.csv"]["status"] == "rejected"
    ignored = {f: r for f, r in by_file.items() if r["status"] == "ignored"}
    assert set(ignored) == on_disk - {ROSTER, "personnel/roster_link_2025-06-30.csv"}
    for f, r in ignored.items():
        assert r["rows_read"] == 0 and r["message"], f
        assert r["table_name"] == ("personnel" if f.startswith("personnel/") else "(none)"), f
    assert "outside raw/" in ignored["personnel/outside_2025-06-30.csv"]["message"]
    assert "dangling" in ignored["personnel/dangling_2025-06-30.csv"]["message"]
    assert "folder" in ignored["personnel/folder_link"]["message"]
    assert ".xls is not a delivery format" in ignored["personnel/old_2025-06-30.xls"]["message"]
    assert "did you mean 'personnel/'" in ignored["Personnel/roster_2025-07-31.csv"]["message"]
    assert "did you mean 'personnel/'" in ignored["personnel_extra/roster_2025-07-31.csv"]["message"]
    assert "raw/ root" in ignored["roster_2025-08-31.csv"]["message"]
    # nothing was read through the link out of raw/: only the roster's rows (3) are loaded
    assert out.loaded["personnel"] == 3
    for m in out.messages():
        assert ID not in m and NAME not in m


def test_an_ignored_file_that_goes_away_is_marked_removed(con, raw):
    deliver(raw, ROSTER, csv_bytes())
    stray = deliver(raw, "personnel/notes.txt", b"x")
    ingest(con, raw, "personnel")
    stray.unlink()
    out = ingest(con, raw, "personnel")
    assert "personnel/notes.txt" not in {r["file"] for r in out.ledger}
    assert con.execute("select status from audit.ingest_ledger where file = 'personnel/notes.txt' "
                       "order by ingested_at").fetchall() == [("removed",)]


def test_a_file_that_is_not_read_still_changes_what_the_build_is_made_of(raw):
    """A stray file goes into the ledger as ignored, so adding one is a change a run must see
    (not a build skipped because nothing changed)."""
    from dagster_project.warehouse.raw_files import raw_fingerprint

    before = raw_fingerprint(raw)
    deliver(raw, "personnel/old_2025-06-30.xls", b"\xd0\xcf\x11\xe0")
    after_xls = raw_fingerprint(raw)
    deliver(raw, "Personnel/roster_2025-07-31.csv", csv_bytes())
    assert len({before, after_xls, raw_fingerprint(raw)}) == 3
