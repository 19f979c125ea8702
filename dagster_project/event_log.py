"""Dagster's SQLite event log with its connections kept open (named in dagster.yaml by
dagster_project/dagster_home.py).

Dagster's own SQLite storage (one database per run, and an index of asset events) creates an
engine and connects for every event it stores. A run records about 1,600 events: every dbt
model and test is one, and so is every planned one. Stored that way they took 3.5 ms (a log
line) to 9 ms (a materialization, mirrored in the index) each; with one connection kept per
database, 0.7 ms and 2.3 ms. Same tables, same statements, same lock: only the connection is
reused.

The databases are in SQLite's write-ahead-log mode (Dagster sets it), where
`synchronous = normal` syncs the log to disk at its checkpoints instead of at every commit: a
process that is killed loses nothing it committed, a power cut may lose the last events of a
run, and neither can corrupt a database. A materialization stored 1.61 -> 1.16 ms (600 in a
row); a national build run records 1,800 to 2,000 events, about 0.9 s less.

Before storing an asset event or a check's result, Dagster asks whether the index has the
table it writes to, by opening the index again (a new engine) every time: 0.6 s of the 3.1 s
an added month's run spent storing events at national scale. A table that is there stays
there while the process runs (no migration runs meanwhile), so the answer is kept once it is
yes.
"""

from collections import OrderedDict
from contextlib import contextmanager

from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy import create_engine, event
from sqlalchemy.pool import QueuePool

OPEN_DATABASES = 8  # the index and the run databases used last keep their connection


def _sync_at_checkpoints(dbapi_connection, _record) -> None:
    dbapi_connection.execute("pragma synchronous = normal")


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    def __init__(self, base_dir: str, inst_data=None):
        self._engines = OrderedDict()
        self._tables_present: set[str] = set()
        super().__init__(base_dir, inst_data=inst_data)

    def has_table(self, table_name: str) -> bool:
        if table_name not in self._tables_present and super().has_table(table_name):
            self._tables_present.add(table_name)
        return table_name in self._tables_present

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str):
        engine = self._engines.pop(shard, None)
        if engine is None:
            engine = create_engine(
                self.conn_string_for_shard(shard), poolclass=QueuePool, pool_size=1,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False})
            event.listen(engine, "connect", _sync_at_checkpoints)
        self._engines[shard] = engine  # the most recent last
        while len(self._engines) > OPEN_DATABASES:
            self._engines.popitem(last=False)[1].dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str):
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def dispose(self) -> None:
        super().dispose()
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()
