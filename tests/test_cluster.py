"""cluster_embeddings() finds speakers among embeddings and honours the speaker-count options."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from diarize_plugin.clustering import ahc as cluster
from diarize_plugin.clustering.bounds import SpeakerBounds
from diarize_plugin.clustering.ahc import cluster_embeddings, default_min_cluster_size
from diarize_plugin.errors import DiarizeError

DIMENSION = 32
THRESHOLD = 0.5


def voices(sizes: list[int], spread: float = 0.15, seed: int = 0, interleave: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Embeddings around ``len(sizes)`` random directions, ``sizes[k]`` rows for voice ``k``.

    Returns ``(embeddings (N, D), true voice per row)``; rows are shuffled when ``interleave``.
    Random directions in 32 dimensions are nearly orthogonal (cosine distance ~1), far above
    :data:`THRESHOLD`; ``spread`` keeps each voice's rows within ~0.1 of their centre.
    """
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((len(sizes), DIMENSION))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    truth = np.repeat(np.arange(len(sizes)), sizes)
    if interleave:
        truth = rng.permutation(truth)
    embeddings = centres[truth] + spread * rng.standard_normal((len(truth), DIMENSION)) / np.sqrt(DIMENSION)
    return embeddings.astype(np.float32), truth


def same_partition(labels: np.ndarray, truth: np.ndarray) -> bool:
    pairs = set(zip(labels.tolist(), truth.tolist()))
    return len(pairs) == len(set(labels.tolist())) == len(set(truth.tolist()))


def test_well_separated_voices_are_counted_and_grouped() -> None:
    embeddings, truth = voices([20, 25, 30])
    labels = cluster_embeddings(embeddings, THRESHOLD)
    assert same_partition(labels, truth)


def test_one_voice_gives_one_speaker() -> None:
    embeddings, _ = voices([40])
    assert set(cluster_embeddings(embeddings, THRESHOLD).tolist()) == {0}


def test_num_speakers_below_the_natural_count_merges_voices() -> None:
    embeddings, _ = voices([20, 20, 20, 20])
    labels = cluster_embeddings(embeddings, THRESHOLD, SpeakerBounds.from_options(num_speakers=2))
    assert len(set(labels.tolist())) == 2


def test_num_speakers_above_the_natural_count_splits_voices() -> None:
    embeddings, _ = voices([30, 30])
    labels = cluster_embeddings(embeddings, THRESHOLD, SpeakerBounds.from_options(num_speakers=4))
    assert len(set(labels.tolist())) == 4


def test_min_speakers_raises_the_count_when_the_threshold_finds_fewer() -> None:
    embeddings, _ = voices([30, 30])
    labels = cluster_embeddings(embeddings, THRESHOLD, SpeakerBounds.from_options(min_speakers=3))
    assert len(set(labels.tolist())) == 3


def test_max_speakers_lowers_the_count_when_the_threshold_finds_more() -> None:
    embeddings, _ = voices([15, 15, 15, 15, 15])
    labels = cluster_embeddings(embeddings, THRESHOLD, SpeakerBounds.from_options(max_speakers=3))
    assert len(set(labels.tolist())) == 3


def test_count_inside_the_bounds_is_left_to_the_threshold() -> None:
    embeddings, truth = voices([20, 20, 20])
    labels = cluster_embeddings(embeddings, THRESHOLD, SpeakerBounds.from_options(min_speakers=2, max_speakers=5))
    assert same_partition(labels, truth)


def test_more_speakers_asked_than_embeddings_gives_one_per_embedding() -> None:
    embeddings, _ = voices([2, 1])
    labels = cluster_embeddings(embeddings, THRESHOLD, SpeakerBounds.from_options(num_speakers=5))
    assert sorted(labels.tolist()) == [0, 1, 2]


def test_small_stray_cluster_is_folded_into_a_speaker() -> None:
    embeddings, truth = voices([30, 30, 2], interleave=False)
    labels = cluster_embeddings(embeddings, THRESHOLD)
    assert len(set(labels.tolist())) == 2
    assert same_partition(labels[truth < 2], truth[truth < 2])


def test_num_speakers_splits_a_large_cluster_rather_than_keep_a_splinter() -> None:
    # a 2-window splinter is mostly windows that straddle a change or overlap, not a voice:
    # when more speakers are asked for, a large cluster is split instead
    embeddings, truth = voices([30, 30, 2], interleave=False)
    labels = cluster_embeddings(embeddings, THRESHOLD, SpeakerBounds.from_options(num_speakers=3))
    assert len(set(labels.tolist())) == 3
    assert min(np.bincount(labels)) >= 3


def test_small_cluster_is_kept_when_num_speakers_needs_it_and_min_cluster_size_allows() -> None:
    embeddings, truth = voices([30, 30, 2], interleave=False)
    labels = cluster_embeddings(embeddings, THRESHOLD, SpeakerBounds.from_options(num_speakers=3), min_cluster_size=2)
    assert same_partition(labels, truth)


def test_min_cluster_size_can_be_given() -> None:
    embeddings, truth = voices([30, 30, 2], interleave=False)
    labels = cluster_embeddings(embeddings, THRESHOLD, min_cluster_size=1)
    assert same_partition(labels, truth)


@pytest.mark.parametrize("count, expected", [(10, 3), (100, 4), (500, 20), (5000, 30)])
def test_default_min_cluster_size_is_four_percent_between_3_and_30(count: int, expected: int) -> None:
    assert default_min_cluster_size(count) == expected


def test_labels_are_numbered_in_order_of_first_appearance() -> None:
    embeddings, _ = voices([20, 20, 20], seed=3)
    labels = cluster_embeddings(embeddings, THRESHOLD)
    first_rows = [int(np.flatnonzero(labels == label)[0]) for label in range(labels.max() + 1)]
    assert labels[0] == 0 and first_rows == sorted(first_rows)


def test_clustering_is_deterministic() -> None:
    embeddings, _ = voices([20, 25, 30], spread=0.8, seed=5)
    first = cluster_embeddings(embeddings, THRESHOLD)
    second = cluster_embeddings(embeddings.copy(), THRESHOLD)
    np.testing.assert_array_equal(first, second)


def test_embedding_scale_does_not_matter() -> None:
    embeddings, _ = voices([20, 25])
    scales = np.random.default_rng(1).uniform(0.1, 10.0, (len(embeddings), 1)).astype(np.float32)
    np.testing.assert_array_equal(
        cluster_embeddings(embeddings, THRESHOLD), cluster_embeddings(embeddings * scales, THRESHOLD)
    )


def test_no_embeddings_give_no_labels() -> None:
    assert cluster_embeddings(np.zeros((0, DIMENSION), dtype=np.float32), THRESHOLD).shape == (0,)


def test_one_embedding_is_speaker_zero() -> None:
    assert cluster_embeddings(np.ones((1, DIMENSION), dtype=np.float32), THRESHOLD).tolist() == [0]


def test_long_input_is_clustered_in_blocks_and_every_row_labelled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cluster, "MAX_CLUSTERED_POINTS", 60)
    embeddings, truth = voices([100, 100, 100])
    labels = cluster_embeddings(embeddings, THRESHOLD)
    assert len(labels) == 300
    assert same_partition(labels, truth)


def test_a_quiet_speaker_in_a_long_recording_keeps_a_speaker_of_their_own() -> None:
    # scaled down: 5 voices of 600 windows each and one of 40 in the middle, blocks of 150
    # (in the real thing: 10 h, 40,000 windows, blocks of 2,000, a speaker of 1-2 minutes);
    # an even subset of 300 would hold 4 of the quiet voice's windows, a splinter to fold
    embeddings, truth = voices([600, 600, 600, 40, 600, 600], spread=0.8, interleave=False, seed=3)
    order = np.argsort(np.where(truth == 3, 1499.5, np.arange(len(truth)) % 3000), kind="stable")
    embeddings, truth = embeddings[order], truth[order]
    labels = cluster_embeddings(embeddings, THRESHOLD, max_clustered=300)
    assert same_partition(labels, truth)


@pytest.mark.parametrize("seed", range(5))
def test_average_linkage_of_groups_of_one_is_plain_average_linkage(seed: int) -> None:
    embeddings, _ = voices([12, 9, 7, 3], spread=1.2, seed=seed)
    unit = embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True)
    grouped = cluster.average_linkage(unit.astype(np.float64), np.ones(len(unit)), threshold=THRESHOLD)
    plain = cluster._fit(unit.astype(np.float64), distance_threshold=THRESHOLD)
    assert same_partition(grouped, plain)


def test_bounds_hold_when_clustering_in_blocks() -> None:
    embeddings, truth = voices([150, 150, 150, 150], spread=0.8, seed=5)
    assert len(set(cluster_embeddings(embeddings, THRESHOLD, SpeakerBounds(2, 2), max_clustered=100).tolist())) == 2
    assert len(set(cluster_embeddings(embeddings, THRESHOLD, SpeakerBounds(6, 6), max_clustered=100).tolist())) == 6


def test_bounds_from_num_speakers_are_exact() -> None:
    assert SpeakerBounds.from_options(num_speakers=3) == SpeakerBounds(3, 3)


def test_bounds_default_to_at_least_one_and_open_above() -> None:
    assert SpeakerBounds.from_options() == SpeakerBounds(1, None)


def test_bounds_clamp_a_count_into_range() -> None:
    bounds = SpeakerBounds.from_options(min_speakers=2, max_speakers=4)
    assert [bounds.clamp(n) for n in (1, 3, 7)] == [2, 3, 4]


@pytest.mark.parametrize(
    "options, message",
    [
        ({"num_speakers": 0}, "num_speakers must be a whole number of at least 1"),
        ({"min_speakers": -1}, "min_speakers must be a whole number"),
        ({"max_speakers": 2.5}, "max_speakers must be a whole number"),
        ({"num_speakers": 2, "min_speakers": 1}, "either num_speakers or min_speakers/max_speakers"),
        ({"num_speakers": 2, "max_speakers": 3}, "either num_speakers or min_speakers/max_speakers"),
        ({"min_speakers": 4, "max_speakers": 2}, r"max_speakers \(2\) is smaller than min_speakers \(4\)"),
    ],
)
def test_invalid_speaker_options_are_user_errors(options: dict, message: str) -> None:
    with pytest.raises(DiarizeError, match=message):
        SpeakerBounds.from_options(**options)


def test_importing_the_package_does_not_import_scikit_learn():
    """scikit-learn costs about 0.9 s to import; only clustering needs it."""
    probe = "import sys, diarize_plugin, diarize_plugin.cli; print('sklearn' in sys.modules)"
    output = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout
    assert output.strip() == "False"


# --- lower thresholds find at least as many speakers (issue 19) -------------------------------


def _noisy_voices(seed: int, voices: int = 4, per_voice: int = 15, spread: float = 0.9) -> np.ndarray:
    """Window embeddings of ``voices`` speakers, each so spread that a low cut breaks every one
    of them into splinters smaller than the fold's floor."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((voices, 32))
    rows = [centre + spread * rng.standard_normal((per_voice, 32)) for centre in centres]
    return np.concatenate(rows).astype(np.float32)


CALIBRATED = 0.65


def _count(embeddings: np.ndarray, threshold: float, search_until: float | None = CALIBRATED) -> int:
    return int(cluster_embeddings(embeddings, threshold, search_until=search_until).max()) + 1


@pytest.mark.parametrize("seed", range(8))
def test_a_lower_threshold_never_finds_fewer_speakers(seed: int) -> None:
    embeddings = _noisy_voices(seed)
    counts = [_count(embeddings, float(t)) for t in np.linspace(0.05, CALIBRATED, 14)]
    assert all(lower >= higher for lower, higher in zip(counts, counts[1:])), counts


def test_a_very_low_threshold_keeps_the_voices_the_calibrated_one_finds() -> None:
    embeddings = _noisy_voices(3)
    assert _count(embeddings, CALIBRATED) == 4
    assert _count(embeddings, 0.05) >= 4
    assert _count(embeddings, 0.05, search_until=None) < 4  # the plain cut: splinters, all folded


def test_the_calibrated_threshold_keeps_its_plain_cut() -> None:
    embeddings = _noisy_voices(5)
    assert np.array_equal(
        cluster_embeddings(embeddings, CALIBRATED, search_until=CALIBRATED),
        cluster_embeddings(embeddings, CALIBRATED),
    )


def test_the_speaker_cut_is_the_plain_cut_when_no_higher_cut_keeps_more() -> None:
    embeddings, _ = voices([12, 12, 12])
    unit = embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True)
    plain = cluster._fit(unit, distance_threshold=0.5)
    speaker = cluster.speaker_cut(unit, 0.5, min_cluster_size=3, search_until=1.0)
    assert len(set(zip(plain.tolist(), speaker.tolist()))) == len(set(plain.tolist())) == 3
