"""End a command's process without the interpreter's teardown (`sapnhap`, and dbt as the
pipeline runs it: dagster_project/dbt_command.py).

Freeing, one object at a time, everything a long command still holds when it ends (Dagster's
definitions, dbt's manifest, Great Expectations) took 1.4 s after a national build, and about
0.5 s at the end of every dbt command. By the time `main` returns, every file the command wrote
is closed; what it prints is flushed here. An error that is not an exit ends as usual, with its
traceback."""

import logging
import os
import sys
from collections.abc import Callable
from typing import NoReturn


def run_and_exit(main: Callable[[], object], before_exit: Callable[[], None] | None = None,
                 tell: Callable[[int], None] | None = None) -> NoReturn:
    """Run `main` (a click command: it ends with SystemExit), then `before_exit`, then end the
    process with the command's status (given to `tell` first, once the output is flushed)."""
    try:
        main()
        code = 0
    except SystemExit as done:  # click ends every command this way
        if isinstance(done.code, str):
            print(done.code, file=sys.stderr)
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    if before_exit is not None:
        before_exit()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    if tell is not None:
        tell(code)
    os._exit(code)
