"""Runs after the browser tests of this folder, in the same worker (the folder is one xdist
group and its modules run in order): the browser and its event loop are gone with the module
that used them, so a Dagster run here, or in any folder the worker takes next, can run and close
its own event loop."""

import asyncio


def test_no_event_loop_is_left_running_after_the_browser_tests():
    loop = asyncio.new_event_loop()
    try:
        # Raises "Cannot run the event loop while another loop is running" while Playwright's is.
        assert loop.run_until_complete(asyncio.sleep(0, result="ran")) == "ran"
    finally:
        loop.close()
