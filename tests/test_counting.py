"""Counting methods (spectral eigengap, VB refinement, re-assignment) on synthetic voices."""

from __future__ import annotations

import numpy as np
import pytest

from diarize_plugin.clustering.bounds import SpeakerBounds
from diarize_plugin.clustering.counting import COUNTING_METHODS, Counting
from diarize_plugin.errors import DiarizeError
from diarize_plugin.clustering.reassignment import reassign_to_centroids
from diarize_plugin.clustering.spectral import eigengap_count, laplacian_spectrum, pruned_affinity, spectral_labels
from diarize_plugin.clustering.vbx import SpeakerSpace, variational_bayes, vbx_labels
from diarize_plugin.embed.campplus import BUNDLED_PLDA_PATH

DIMENSION = 32
THRESHOLD = 0.5


def voices(sizes: list[int], spread: float = 0.15, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``sizes[k]`` embeddings around each of ``len(sizes)`` random directions, shuffled;
    returns ``(embeddings (N, D), true voice per row)``. Random directions in 32 dimensions are
    nearly orthogonal; ``spread`` keeps each voice's rows close to their centre."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((len(sizes), DIMENSION))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    truth = rng.permutation(np.repeat(np.arange(len(sizes)), sizes))
    embeddings = centres[truth] + spread * rng.standard_normal((len(truth), DIMENSION)) / np.sqrt(DIMENSION)
    return embeddings.astype(np.float32), truth


def same_partition(labels: np.ndarray, truth: np.ndarray) -> bool:
    pairs = set(zip(labels.tolist(), truth.tolist()))
    return len(pairs) == len(set(labels.tolist())) == len(set(truth.tolist()))


@pytest.mark.parametrize("sizes", [[30, 30], [25, 40, 20], [20, 15, 30, 25, 18]])
def test_spectral_eigengap_finds_well_separated_voices(sizes: list[int]) -> None:
    embeddings, truth = voices(sizes, seed=len(sizes))
    assert same_partition(spectral_labels(embeddings), truth)


def test_eigengap_is_after_the_last_near_zero_eigenvalue() -> None:
    embeddings, _ = voices([20, 20, 20], seed=3)
    eigenvalues, _ = laplacian_spectrum(pruned_affinity(embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True)))
    assert eigengap_count(eigenvalues, 1, 10) == 3


def test_spectral_single_voice_stays_one_speaker() -> None:
    embeddings, _ = voices([60], seed=4)
    assert set(spectral_labels(embeddings, merge_distance=THRESHOLD).tolist()) == {0}


def test_spectral_honours_an_exact_speaker_count() -> None:
    embeddings, _ = voices([30, 30, 30], seed=5)
    assert len(set(spectral_labels(embeddings, SpeakerBounds(2, 2)).tolist())) == 2
    assert len(set(spectral_labels(embeddings, SpeakerBounds(4, 4)).tolist())) == 4


def test_spectral_with_too_few_windows_is_one_speaker() -> None:
    embeddings, _ = voices([4, 4], seed=6)
    assert set(spectral_labels(embeddings).tolist()) == {0}


def test_spectral_is_deterministic() -> None:
    embeddings, _ = voices([25, 25, 25], spread=0.6, seed=7)
    assert np.array_equal(spectral_labels(embeddings), spectral_labels(embeddings.copy()))


def test_vbx_does_not_split_a_single_voice() -> None:
    embeddings, _ = voices([80], spread=0.3, seed=8)
    over_segmented = np.arange(80) % 4  # four arbitrary groups of one voice
    assert set(vbx_labels(embeddings, over_segmented).tolist()) == {0}


def test_vbx_keeps_distinct_voices_apart() -> None:
    embeddings, truth = voices([40, 30, 35], seed=9)
    assert same_partition(vbx_labels(embeddings, truth), truth)


def test_vbx_drops_a_speaker_split_off_one_voice() -> None:
    embeddings, truth = voices([40, 40], spread=0.3, seed=10)
    split = truth.copy()
    split[np.flatnonzero(truth == 0)[:20]] = 2  # voice 0 over-segmented in two
    assert same_partition(vbx_labels(embeddings, split), truth)


def test_variational_bayes_priors_sum_to_one() -> None:
    embeddings, truth = voices([20, 20], seed=11)
    space = SpeakerSpace.from_clusters(embeddings, truth)
    start = np.eye(2)[truth] * 0.9 + 0.05
    gamma, priors = variational_bayes(space.project(embeddings), space.phi, start)
    assert np.allclose(gamma.sum(axis=1), 1.0) and priors.sum() == pytest.approx(1.0)


def test_reassignment_is_idempotent() -> None:
    embeddings, truth = voices([30, 30, 30], spread=0.9, seed=12)
    noisy = truth.copy()
    noisy[::7] = (noisy[::7] + 1) % 3
    once = reassign_to_centroids(embeddings, noisy)
    assert np.array_equal(reassign_to_centroids(embeddings, once), once)


def test_reassignment_repairs_misplaced_windows() -> None:
    embeddings, truth = voices([30, 30], seed=13)
    noisy = truth.copy()
    noisy[:5] = 1 - noisy[:5]
    assert same_partition(reassign_to_centroids(embeddings, noisy), truth)


def test_reassignment_empties_a_mixed_cluster_unless_min_speakers_forbids() -> None:
    embeddings, truth = voices([30, 30], seed=14)
    labels = truth.copy()
    # a "speaker" of one window of each voice: its centroid is between them, so both leave
    labels[np.flatnonzero(truth == 0)[0]] = labels[np.flatnonzero(truth == 1)[0]] = 2
    assert same_partition(reassign_to_centroids(embeddings, labels), truth)
    assert len(set(reassign_to_centroids(embeddings, labels, min_speakers=3).tolist())) == 3


@pytest.mark.parametrize("method", COUNTING_METHODS)
def test_every_method_finds_separated_voices_and_honours_bounds(method: str) -> None:
    embeddings, truth = voices([30, 25, 35], seed=15)
    counting = Counting(method, reassign=True)
    assert same_partition(counting.label(embeddings, THRESHOLD), truth)
    assert len(set(counting.label(embeddings, THRESHOLD, SpeakerBounds(2, 2)).tolist())) == 2
    assert len(set(counting.label(embeddings, THRESHOLD, SpeakerBounds(4, None)).tolist())) >= 4


def test_auto_is_ahc_below_many_speakers_and_vbx_from_them() -> None:
    few, _ = voices([30, 25, 35, 28, 32], seed=17)
    many, truth = voices([30, 25, 35, 28, 32, 27, 4, 3], seed=18)  # two guests under the 4 % floor
    space = SpeakerSpace.from_clusters(many, truth)
    auto, ahc, vbx = (Counting(method, speaker_space=space) for method in ("auto", "ahc", "vbx"))
    assert np.array_equal(auto.label(few, THRESHOLD), ahc.label(few, THRESHOLD))
    assert len(set(ahc.label(many, THRESHOLD).tolist())) == 6  # the floor folds both guests
    assert np.array_equal(auto.label(many, THRESHOLD), vbx.label(many, THRESHOLD))
    assert same_partition(auto.label(many, THRESHOLD), truth)
    assert len(set(auto.label(many, THRESHOLD, SpeakerBounds(6, 6)).tolist())) == 6


def test_unknown_counting_method_is_refused() -> None:
    with pytest.raises(DiarizeError, match="counting"):
        Counting("kmeans")


def test_bundled_plda_is_a_diagonal_two_covariance_model_for_campplus() -> None:
    space = SpeakerSpace.load(BUNDLED_PLDA_PATH)
    assert space.mean.shape == (192,) and space.transform.shape == (192, 64) and space.phi.shape == (64,)
    assert np.all(space.phi > 0) and np.all(np.diff(space.phi) <= 0)  # largest between-speaker variance first


def test_vbx_uses_the_bundled_plda_only_for_campplus_embeddings(campplus) -> None:
    from diarize_plugin.embed.autospeech import AutoSpeechEmbedder

    assert campplus.plda_path == BUNDLED_PLDA_PATH  # the int8 model; the float32 one is named campplus-fp32
    assert AutoSpeechEmbedder.plda_path is None
    assert Counting.for_embedder("vbx", False, campplus.plda_path).speaker_space is not None
    assert Counting.for_embedder("vbx", False, None).speaker_space is None
    assert Counting.for_embedder("auto", False, campplus.plda_path).speaker_space is not None
    assert Counting.for_embedder("spectral", False, campplus.plda_path).speaker_space is None


def test_vbx_with_a_given_model_keeps_voices_apart_and_merges_a_split_one() -> None:
    embeddings, truth = voices([40, 40, 30], spread=0.3, seed=16)
    space = SpeakerSpace.from_clusters(embeddings, truth)  # a model that knows these voices
    split = truth.copy()
    split[np.flatnonzero(truth == 0)[:20]] = 3
    assert same_partition(vbx_labels(embeddings, split, space), truth)


def test_batch_records_a_counting_method_only_when_it_is_not_the_original_ahc() -> None:
    from diarize_plugin.batch import DiarizationSettings

    assert "counting" not in DiarizationSettings.from_keywords(counting="ahc").output_options()  # earlier outputs: made with ahc
    assert DiarizationSettings().output_options()["counting"] == "auto"  # so they are made again under auto
    assert DiarizationSettings.from_keywords(counting="vbx").output_options()["counting"] == "vbx"
    with pytest.raises(DiarizeError, match="counting"):
        DiarizationSettings.from_keywords(counting="kmeans")


def test_batch_record_of_a_vbx_run_names_the_plda_it_used() -> None:
    from diarize_plugin.batch import DiarizationSettings
    from diarize_plugin.batch.resume import made_with

    assert "plda-campplus.npz" in made_with(DiarizationSettings.from_keywords(counting="vbx"))["models"]
    assert "plda-campplus.npz" in made_with(DiarizationSettings())["models"]  # auto may refine by VB
    assert "plda-campplus.npz" not in made_with(DiarizationSettings.from_keywords(counting="ahc"))["models"]


@pytest.mark.parametrize("bounds", [SpeakerBounds(), SpeakerBounds(2, 2), SpeakerBounds(6, None)])
def test_a_tree_cut_made_once_gives_the_same_clusters(bounds: SpeakerBounds) -> None:
    from diarize_plugin.clustering.ahc import cluster_embeddings, tree_cut

    embeddings, _ = voices([30, 25, 35, 4, 3], seed=19)
    cut = tree_cut(embeddings, THRESHOLD)
    assert np.array_equal(cluster_embeddings(embeddings, THRESHOLD, bounds, cut=cut), cluster_embeddings(embeddings, THRESHOLD, bounds))
    assert np.array_equal(cluster_embeddings(embeddings, THRESHOLD, min_cluster_size=1, cut=cut),
                          cluster_embeddings(embeddings, THRESHOLD, min_cluster_size=1))
