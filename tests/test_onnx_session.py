"""ONNX Runtime sessions: one thread per computation, several batches side by side."""

from __future__ import annotations

import threading
import time

from diarize_plugin.embed.campplus import BUNDLED_MODEL_PATH
from diarize_plugin.util.onnx_session import BatchRunner, open_session


def test_sessions_compute_on_one_thread_that_does_not_spin() -> None:
    session = open_session(BUNDLED_MODEL_PATH)
    options = session.get_session_options()
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    assert options.intra_op_num_threads == 1


def test_batch_runner_keeps_the_order_and_runs_batches_side_by_side() -> None:
    running, most = [0], [0]
    lock = threading.Lock()

    def work(item: int) -> int:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05 * (item % 3))
        with lock:
            running[0] -= 1
        return item * item

    assert list(BatchRunner(threads=3).map(work, range(12))) == [item * item for item in range(12)]
    assert most[0] > 1
    assert list(BatchRunner(threads=1).map(work, range(5))) == [0, 1, 4, 9, 16]
