"""A failed step says its cause in its first line.

Dagster shows a step's failure as the description of the `Failure` it raised; an unexpected
exception shows as a generic execution error with the cause buried in a nested trace. The
assets wrap their work in `explained(...)`, and the dbt asset turns the failures dbt printed into
one line naming the failed models and tests.
"""

import traceback
from collections.abc import Iterator
from contextlib import contextmanager

from dagster import Failure, MetadataValue

MAX_NAMED = 5


def first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


@contextmanager
def explained(what: str) -> Iterator[None]:
    """Re-raise any error as a Failure whose description is '<what>: <the error's first line>'."""
    try:
        yield
    except Failure:
        raise
    except Exception as error:
        raise Failure(
            description=f"{what}: {type(error).__name__}: {first_line(error)}",
            metadata={"traceback": MetadataValue.text("".join(traceback.format_exception(error)))},
        ) from error


def failed_results(events: list[dict]) -> dict:
    """The failed nodes of a dbt command, shaped as in its run_results.json, from the events it
    printed (JSON lines): the summary at the end names each failed node (RunResultFailure) and
    then gives its message (RunResultError)."""
    failed: dict[str, dict] = {}
    for event in events:
        name = event.get("info", {}).get("name")
        unique_id = (event.get("data", {}).get("node_info") or {}).get("unique_id")
        if name == "RunResultFailure" and unique_id:
            failed.setdefault(unique_id, {"unique_id": unique_id, "status": "error", "message": None})
        elif name == "RunResultError" and unique_id in failed:
            failed[unique_id]["message"] = event["data"].get("msg")
    return {"results": list(failed.values())}


def dbt_failure(run_results: dict | None) -> str:
    """'dbt build: 2 failed: test not_null_x (Got 5 results, configured to fail if != 0);
    model y (Binder Error: …)' from dbt's run results (failed_results)."""
    results = (run_results or {}).get("results", [])
    failed = [r for r in results if r.get("status") in ("error", "fail")]
    if not failed:
        return "dbt build failed (no failed node in its run results: see the dbt log)"
    parts = []
    for r in failed[:MAX_NAMED]:
        # model.<project>.<name>, test.<project>.<name>.<hash>, unit_test.<project>.<model>.<name>
        kind, _, *names = r.get("unique_id", "?.?.?").split(".")
        name = names[-1] if kind == "unit_test" else names[0]
        message = (r.get("message") or "").strip().splitlines()
        parts.append(f"{kind} {name} ({message[0] if message else r['status']})")
    more = f"; and {len(failed) - MAX_NAMED} more" if len(failed) > MAX_NAMED else ""
    return f"dbt build: {len(failed)} failed: {'; '.join(parts)}{more}"
