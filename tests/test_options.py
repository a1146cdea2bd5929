"""DiarizerOptions: one frozen, picklable value holding every option, checked once."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import numpy as np
import pytest

from diarize_plugin import DiarizeError, Diarizer, DiarizerOptions, VadOptions
from diarize_plugin.segmentation.settings import SegmentationOptions


def test_options_are_frozen_and_survive_pickling() -> None:
    options = DiarizerOptions.from_keywords(segmentation="webrtcvad", vad=VadOptions(aggressiveness=1), threshold=0.6)
    assert pickle.loads(pickle.dumps(options)) == options
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.min_turn_s = 1.0  # type: ignore[misc]


def test_the_flat_keywords_are_a_shortcut_for_the_nested_options() -> None:
    nested = DiarizerOptions(segmentation=SegmentationOptions(decoding="pyannote", step_s=2.0))
    assert DiarizerOptions.from_keywords(decoding="pyannote", segmentation_step_s=2.0) == nested
    assert DiarizerOptions.from_keywords() == DiarizerOptions()


def test_the_diarizer_and_from_keywords_take_the_same_flat_keywords() -> None:
    """The two lists of flat keywords (Diarizer's and its options' shortcut) cannot drift apart."""
    def flat(function, left_out: set[str]) -> list[tuple[str, object]]:
        return [(name, parameter.default) for name, parameter in inspect.signature(function).parameters.items()
                if name not in left_out and parameter.kind is parameter.POSITIONAL_OR_KEYWORD]

    assert flat(Diarizer.__init__, {"self", "progress"}) == flat(DiarizerOptions.from_keywords, set())


@pytest.mark.parametrize("keywords, message", [
    ({"segmentation": "whisper"}, "unknown segmentation"),
    ({"segmentation": "webrtcvad", "overlap_threshold": 0.4}, "needs neural segmentation"),
    ({"vad": VadOptions(aggressiveness=1)}, "vad options tune webrtcvad"),
    ({"segmentation": "webrtcvad", "vad": VadOptions(aggressiveness=5)}, "aggressiveness"),
    ({"decoding": "pyannote", "overlap_threshold": 0.4}, "no overlap threshold"),
    ({"overlap_threshold": 1.5}, "between 0 and 1"),
    ({"threshold": 2.5}, "cosine distance"),
    ({"counting": "kmeans"}, "unknown counting"),
    ({"window_s": 1.0, "hop_s": 1.5}, "hop_s <= window_s"),
    ({"threads": 0}, "threads"),
    ({"neural_identity": "global"}, "identity"),
    ({"segmentation_step_s": 0.0}, "segmentation step"),
])
def test_a_bad_option_is_refused_when_the_options_are_made(keywords: dict, message: str) -> None:
    with pytest.raises(DiarizeError, match=message):
        DiarizerOptions.from_keywords(**keywords)


def test_options_and_keywords_together_are_refused(campplus) -> None:
    with pytest.raises(DiarizeError, match="not both"):
        Diarizer(embedder=campplus, segmentation="webrtcvad", options=DiarizerOptions())


def test_segmentation_step_and_background_rejection_reach_the_neural_stage(campplus) -> None:
    options = DiarizerOptions.from_keywords(segmentation_step_s=2.0, reject_background=False, threads=1)
    diarizer = Diarizer(embedder=campplus, options=options)
    assert diarizer.neural.segmenter.step_s == 2.0
    assert diarizer.neural.options.reject_background is False
    assert Diarizer(embedder=campplus, threads=1).neural.segmenter.step_s == 3.0


def test_options_give_the_same_turns_as_the_keywords(campplus) -> None:
    from conftest import SAMPLE_RATE, speech_like

    waveform = np.concatenate([speech_like(4.0, seed=1, pitch_hz=110.0), np.zeros(SAMPLE_RATE, dtype=np.float32),
                               speech_like(4.0, seed=2, pitch_hz=220.0)])
    by_keywords = Diarizer(embedder=campplus, segmentation="webrtcvad", threads=1).run(waveform)
    options = DiarizerOptions.from_keywords(segmentation="webrtcvad", threads=1)
    by_options = Diarizer(embedder=campplus, options=options).run(waveform)
    assert list(by_options.itertracks(yield_label=True)) == list(by_keywords.itertracks(yield_label=True))


def test_the_command_line_builds_the_same_options_for_one_recording_and_for_a_batch(tmp_path) -> None:
    from diarize_plugin.cli.diarize_command import build_parser
    from diarize_plugin.cli.diarizer_options import diarizer_options

    options = ["--segmentation", "webrtcvad", "--vad-aggressiveness", "1", "--threshold", "0.7", "--threads", "2"]
    single = diarizer_options(build_parser().parse_args(["a.wav", *options]))
    batch = diarizer_options(build_parser().parse_args(["a.wav", "b.wav", *options, "--out-dir", str(tmp_path)]))
    assert single == batch == DiarizerOptions.from_keywords(
        segmentation="webrtcvad", vad=VadOptions(aggressiveness=1), threshold=0.7, threads=2
    )


def test_batch_records_name_the_same_options_as_before_the_options_object() -> None:
    from diarize_plugin.batch import DiarizationSettings

    assert DiarizationSettings().output_options() == {
        "embedder": "campplus", "segmentation": "neural", "threshold": None, "overlap_threshold": None,
        "vad_aggressiveness": None, "num_speakers": None, "min_speakers": None, "max_speakers": None,
        "output_format": "rttm", "exclusive": False, "counting": "auto", "decoding": "probability",
    }
    later = DiarizationSettings.from_keywords(segmentation_step_s=2.0).output_options()
    assert later["segmentation_step_s"] == 2.0  # an option outputs did not have before is recorded when set
