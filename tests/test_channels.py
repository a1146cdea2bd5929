"""One speaker per channel (``--channels auto|mix|split``, ``--channel-names``).

The stereo call is built in the test from two shared LibriSpeech voices, each on its own
channel with the other leaking in at -20 dB, as a call recorder keeps agent and customer.
"""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

import numpy as np
import pytest
import soundfile
from conftest import SAMPLE_RATE, assert_one_line_error, librispeech_files, run_cli, speech
from pyannote.core import Annotation, Segment, Timeline

from diarize_plugin import Diarizer
from diarize_plugin.audio.source import decode_audio
from diarize_plugin.channels.detection import detect_layout
from diarize_plugin.channels.levels import channel_levels
from diarize_plugin.channels.source import ChannelAudio, channel_audio_from_array, decode_with_channels
from diarize_plugin.formats.rttm import annotation_to_rttm

LEAK_DB = -20.0
#: (party, start_s, duration_s, offset into the party's utterance, s)
SCRIPT = [(0, 0.5, 6.0, 0.0), (1, 7.0, 5.5, 0.0), (0, 13.0, 5.0, 6.0), (1, 16.5, 6.0, 5.5)]
DURATION_S = 24.0
#: where both parties' voices are loud at once (party 1's piece opens with 0.6 s of breath)
BOTH_TALKING = Segment(17.15, 17.85)


def _party_tracks() -> np.ndarray:
    """(2, samples): each party's speech where the script puts it."""
    files = librispeech_files()
    voices = [soundfile.read(str(files[index]), dtype="float32")[0] for index in (0, 1)]
    voices = [voice * np.float32(0.1 / np.sqrt(np.mean(np.square(voice)))) for voice in voices]  # as a line's AGC
    tracks = np.zeros((2, int(DURATION_S * SAMPLE_RATE)), dtype=np.float32)
    for party, start_s, duration_s, offset_s in SCRIPT:
        start, length = int(start_s * SAMPLE_RATE), int(duration_s * SAMPLE_RATE)
        tracks[party, start : start + length] += np.resize(voices[party][int(offset_s * SAMPLE_RATE):], length)
    return tracks


def _stereo_call(folder: Path) -> Path:
    """A 16 kHz stereo WAV: party 0 on the left, party 1 on the right, each leaking into the
    other channel at :data:`LEAK_DB`, faint independent line noise on each."""
    tracks = _party_tracks()
    leak = 10 ** (LEAK_DB / 20)
    rng = np.random.default_rng(0)
    noise = rng.normal(0.0, 1e-3, tracks.shape).astype(np.float32)
    channels = np.stack([tracks[0] + leak * tracks[1], tracks[1] + leak * tracks[0]]) + noise
    path = folder / "call.wav"
    soundfile.write(str(path), channels.T, SAMPLE_RATE, subtype="PCM_16")
    return path


def _alone(party: int) -> Timeline:
    """Where only ``party`` is scripted to speak."""
    own = Timeline([Segment(s, s + d) for p, s, d, _ in SCRIPT if p == party]).support()
    other = Timeline([Segment(s, s + d) for p, s, d, _ in SCRIPT if p != party]).support()
    return own.extrude(other)


def _seconds_inside(annotation: Annotation, label: str, region: Timeline) -> float:
    return annotation.label_timeline(label).crop(region, mode="intersection").duration()


@pytest.fixture(scope="module")
def call(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _stereo_call(tmp_path_factory.mktemp("channels"))


@pytest.fixture(scope="module")
def diarized(call: Path, campplus) -> dict[str, Annotation]:
    """The call diarized once per mode (the models are the slow part)."""
    names = ("agent", "customer")
    return {
        "auto": Diarizer(embedder=campplus).run(call),
        "split": Diarizer(embedder=campplus, channels="split", channel_names=names).run(call),
        "mix": Diarizer(embedder=campplus, channels="mix").run(call),
    }


def test_split_labels_each_channel_by_its_name(diarized: dict[str, Annotation]) -> None:
    split = diarized["split"]
    assert sorted(split.labels()) == ["agent", "customer"]
    assert _seconds_inside(split, "agent", _alone(0)) > 6.0
    assert _seconds_inside(split, "customer", _alone(1)) > 6.0


def test_leakage_at_minus_20_db_is_not_a_turn(diarized: dict[str, Annotation]) -> None:
    split = diarized["split"]
    # the other party's voice is on each channel at -20 dB all through their turns
    assert _seconds_inside(split, "agent", _alone(1)) < 0.3
    assert _seconds_inside(split, "customer", _alone(0)) < 0.3


def test_both_talking_is_overlap(diarized: dict[str, Annotation]) -> None:
    overlap = Timeline([BOTH_TALKING])
    for mode in ("split", "auto"):
        annotation = diarized[mode]
        assert all(_seconds_inside(annotation, label, overlap) > 0.6 * BOTH_TALKING.duration
                   for label in annotation.labels()), mode


def test_auto_finds_the_separated_call_and_labels_by_channel(diarized: dict[str, Annotation]) -> None:
    auto = diarized["auto"]
    assert sorted(auto.labels()) == ["SPEAKER_00", "SPEAKER_01"]
    assert _seconds_inside(auto, "SPEAKER_00", _alone(0)) > 6.0  # left channel's speaker
    assert _seconds_inside(auto, "SPEAKER_01", _alone(1)) > 6.0
    assert _seconds_inside(auto, "SPEAKER_00", _alone(1)) < 0.3


def test_mix_mode_diarizes_the_channels_averaged(diarized: dict[str, Annotation], call: Path, campplus) -> None:
    with decode_audio(call) as averaged:  # the mono mix, as every release decoded it
        expected = Diarizer(embedder=campplus).run(averaged, uri="call")
    assert annotation_to_rttm(diarized["mix"]) == annotation_to_rttm(expected)


def test_decoding_with_channels_keeps_the_mix_sample_for_sample(call: Path) -> None:
    with decode_audio(call) as mixed, decode_with_channels(call) as kept:
        assert isinstance(kept, ChannelAudio) and kept.num_channels == 2
        assert np.array_equal(mixed.read(0, mixed.num_samples), kept.read(0, kept.num_samples))
        assert all(channel.num_samples == kept.num_samples for channel in kept.channels)


def test_a_mono_file_decodes_without_channel_files(tmp_path: Path) -> None:
    path = tmp_path / "mono.wav"
    soundfile.write(str(path), speech(3.0), SAMPLE_RATE, subtype="PCM_16")
    with decode_with_channels(path) as decoded:
        assert not isinstance(decoded, ChannelAudio)


def test_the_same_signal_on_both_channels_is_not_separated(call: Path) -> None:
    waveform, _ = soundfile.read(str(call), dtype="float32")
    both = np.stack([waveform[:, 0], waveform[:, 0]], axis=1)
    assert not detect_layout(channel_levels(channel_audio_from_array(both).channels)).separated
    assert detect_layout(channel_levels(channel_audio_from_array(waveform).channels)).separated


def test_two_microphones_in_one_room_are_not_separated(call: Path) -> None:
    waveform, _ = soundfile.read(str(call), dtype="float32")
    voices = waveform.sum(axis=1)
    delayed = np.concatenate([np.zeros(12, dtype=np.float32), voices[:-12]])
    room = np.stack([voices, 0.6 * delayed], axis=1)  # 4.4 dB apart, 0.75 ms later
    assert not detect_layout(channel_levels(channel_audio_from_array(room).channels)).separated


@pytest.mark.parametrize("mode", ["auto", "split"])
def test_mono_input_gives_the_mix_result_in_every_mode(tmp_path: Path, campplus, mode: str) -> None:
    path = tmp_path / "mono.wav"
    tracks = _party_tracks()
    soundfile.write(str(path), tracks.sum(axis=0)[: 12 * SAMPLE_RATE], SAMPLE_RATE, subtype="PCM_16")
    expected = annotation_to_rttm(Diarizer(embedder=campplus, channels="mix").run(path))
    with pytest.warns(UserWarning, match="needs two channels") if mode == "split" else nullcontext():
        assert annotation_to_rttm(Diarizer(embedder=campplus, channels=mode).run(path)) == expected


def test_stereo_with_one_signal_twice_gives_the_mix_result(tmp_path: Path, campplus) -> None:
    tracks = _party_tracks()[:, : 12 * SAMPLE_RATE]
    mono = tracks.sum(axis=0)
    path = tmp_path / "twice.wav"
    soundfile.write(str(path), np.stack([mono, mono], axis=1), SAMPLE_RATE, subtype="PCM_16")
    mixed = Diarizer(embedder=campplus, channels="mix").run(path)
    assert annotation_to_rttm(Diarizer(embedder=campplus).run(path)) == annotation_to_rttm(mixed)


def test_channel_names_of_the_wrong_count_are_a_one_line_error(call: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, call, "--channel-names", "agent,customer,supervisor")
    assert_one_line_error(code, err, "--channel-names gives 3 names but input")
    assert out == ""


def test_channel_names_with_mix_are_a_one_line_error(call: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, call, "--channels", "mix", "--channel-names", "agent,customer")
    assert_one_line_error(code, err, "needs --channels auto or split")


def test_a_repeated_channel_name_is_a_one_line_error(call: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, call, "--channel-names", "agent,agent")
    assert_one_line_error(code, err, "repeats a name")


def test_cli_split_writes_named_turns(call: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "call.rttm"
    code, _, err = run_cli(capsys, call, "-q", "--channels", "split", "--channel-names", "agent,customer", "--out", out)
    assert code == 0, err
    labels = {line.split()[7] for line in out.read_text(encoding="utf-8").splitlines()}
    assert labels == {"agent", "customer"}


def test_closing_a_channel_recording_removes_its_temporary_files(call: Path, tmp_path: Path) -> None:
    decoded = decode_with_channels(call, temp_dir=tmp_path)
    assert isinstance(decoded, ChannelAudio) and len(list(tmp_path.iterdir())) == 3  # the mix and each channel
    decoded.close()
    assert list(tmp_path.iterdir()) == []


#: a colleague (party 2) takes over the left channel from party 0 half way through
HANDOVER_SCRIPT = [(0, 0.5, 6.5, 0.0), (1, 7.5, 5.5, 0.0), (0, 13.5, 6.5, 6.5), (1, 20.5, 5.5, 5.5),
                   (2, 26.5, 8.5, 0.0), (1, 35.5, 4.5, 0.0), (2, 40.5, 9.5, 8.5), (1, 50.5, 4.0, 4.5)]


def test_auto_keeps_a_second_voice_on_one_channel_apart(tmp_path: Path, campplus) -> None:
    files = librispeech_files()
    voices = [soundfile.read(str(files[index]), dtype="float32")[0] for index in (0, 1, 2)]
    voices = [voice * np.float32(0.1 / np.sqrt(np.mean(np.square(voice)))) for voice in voices]
    tracks = np.zeros((3, 56 * SAMPLE_RATE), dtype=np.float32)
    for party, start_s, duration_s, offset_s in HANDOVER_SCRIPT:
        start, length = int(start_s * SAMPLE_RATE), int(duration_s * SAMPLE_RATE)
        tracks[party, start : start + length] += np.resize(voices[party][int(offset_s * SAMPLE_RATE):], length)
    left, right = tracks[0] + tracks[2], tracks[1]
    leak = 10 ** (LEAK_DB / 20)
    noise = np.random.default_rng(1).normal(0.0, 1e-3, (2, tracks.shape[1])).astype(np.float32)
    path = tmp_path / "handover.wav"
    soundfile.write(str(path), (np.stack([left + leak * right, right + leak * left]) + noise).T, SAMPLE_RATE, subtype="PCM_16")
    auto = Diarizer(embedder=campplus, channel_names=("agent", "customer")).run(path)
    assert sorted(auto.labels()) == ["agent", "agent_2", "customer"]
    # the channel's main voice (the one that speaks most) is "agent", the other "agent_2"
    holders = set()
    for party in (0, 2):
        turns = Timeline([Segment(s, s + d) for p, s, d, _ in HANDOVER_SCRIPT if p == party])
        held = {label: _seconds_inside(auto, label, turns) for label in ("agent", "agent_2")}
        assert max(held.values()) > 0.9 * sum(held.values()) and sum(held.values()) > 8.0, (party, held)
        holders.add(max(held, key=held.get))
    assert holders == {"agent", "agent_2"}
    split = Diarizer(embedder=campplus, channels="split", channel_names=("agent", "customer")).run(path)
    assert sorted(split.labels()) == ["agent", "customer"]


def test_channel_options_in_a_batch_run_are_a_one_line_error(call: Path, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, call, "--out-dir", tmp_path, "--channels", "split")
    assert_one_line_error(code, err, "one recording at a time")
