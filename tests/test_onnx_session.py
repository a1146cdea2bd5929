"""ONNX Runtime sessions: threads that sleep between calls (spinning starves the serial numpy work)."""

from __future__ import annotations

from diarize_plugin.embed.campplus import BUNDLED_MODEL_PATH
from diarize_plugin.embed.onnx_session import open_session


def test_session_threads_do_not_spin_between_calls() -> None:
    session = open_session(BUNDLED_MODEL_PATH, threads=2)
    options = session.get_session_options()
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    assert options.intra_op_num_threads == 2
