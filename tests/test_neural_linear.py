"""The neural mode's interval helpers give what their first, quadratic versions gave.

Each old version is kept here as the reference, and both run on small random inputs:
turns of a few speakers (sometimes overlapping, sometimes touching), regions that may overlap.
"""

from __future__ import annotations

import numpy as np
import pytest
from pyannote.core import Annotation, Segment, Timeline

from diarize_plugin.diarization.overlap import (
    MIN_NEW_SPEAKER_S,
    MIN_OVERLAP_S,
    SAME_SPEAKER_GAP_S,
    add_overlapping_speakers,
)
from diarize_plugin.segmentation.frames import frame_offset_s, timeline_to_frames
from diarize_plugin.diarization.turns import speaker_label

SEEDS = range(24)


def reference_timeline_to_frames(timeline: Timeline, num_frames: int, frame_step_s: float) -> np.ndarray:
    centres_s = (np.arange(num_frames) + 0.5) * frame_step_s + frame_offset_s(frame_step_s)
    flags = np.zeros(num_frames, dtype=bool)
    for region in timeline:
        flags[(centres_s >= region.start) & (centres_s < region.end)] = True
    return flags


def reference_add_overlapping_speakers(primary: Annotation, overlap: Timeline, may_add_speaker: bool = True) -> Annotation:
    result = primary.copy()
    turns = sorted(primary.itertracks(yield_label=True), key=lambda item: item[0].start)
    known = primary.labels()
    newcomer = next(speaker_label(index) for index in range(len(known) + 1) if speaker_label(index) not in known)
    newcomer_turns: list[Segment] = []
    for region in overlap:
        for segment, _, main in primary.crop(region, mode="intersection").itertracks(yield_label=True):
            if segment.duration < MIN_OVERLAP_S:
                continue
            nearest, distance = None, np.inf
            for turn, _, label in turns:
                if label == main:
                    continue
                gap = max(turn.start - segment.end, segment.start - turn.end, 0.0)
                if gap < distance:
                    nearest, distance = label, gap
            if nearest is not None:
                result[segment, result.new_track(segment)] = nearest
            elif may_add_speaker:
                newcomer_turns.append(segment)
    if sum(segment.duration for segment in newcomer_turns) >= MIN_NEW_SPEAKER_S:
        for segment in newcomer_turns:
            result[segment, result.new_track(segment)] = newcomer
    return result.support(collar=SAME_SPEAKER_GAP_S)


def on_grid(seconds: float, grid_s: float | None) -> float:
    """``seconds`` rounded to a multiple of ``grid_s`` (ties in distance are then common)."""
    return float(seconds) if grid_s is None else round(seconds / grid_s) * grid_s


def random_turns(rng: np.random.Generator, num_speakers: int, overlapping: bool, grid_s: float | None) -> Annotation:
    """Turns of ``num_speakers`` speakers over about a minute; one at a time unless ``overlapping``."""
    annotation = Annotation(uri="random")
    cursor = 0.0
    for _ in range(int(rng.integers(1, 25))):
        duration = float(rng.choice([rng.uniform(0.05, 0.5), rng.uniform(0.5, 6.0)]))
        label = speaker_label(int(rng.integers(num_speakers)))
        start = cursor - rng.uniform(0.0, 1.0) if overlapping and rng.random() < 0.3 else cursor
        turn = Segment(on_grid(max(0.0, start), grid_s), on_grid(start + duration, grid_s))
        annotation[turn, annotation.new_track(turn)] = label
        cursor = start + duration + float(rng.choice([0.0, rng.uniform(0.0, 2.0)]))
    return annotation


def random_regions(rng: np.random.Generator, count: int, grid_s: float | None, end_s: float = 70.0) -> Timeline:
    starts = rng.uniform(0.0, end_s, size=count)
    return Timeline([Segment(on_grid(s, grid_s), on_grid(s + rng.uniform(0.01, 3.0), grid_s)) for s in starts])


def grid_for(seed: int) -> float | None:
    """Half of the inputs on a 0.25 s grid, where equal gaps and touching turns are common."""
    return 0.25 if seed % 2 == 0 else None


def same_tracks(first: Annotation, second: Annotation) -> bool:
    return sorted((s.start, s.end, label) for s, _, label in first.itertracks(yield_label=True)) == sorted(
        (s.start, s.end, label) for s, _, label in second.itertracks(yield_label=True)
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_timeline_to_frames_matches_the_region_by_region_version(seed: int) -> None:
    rng = np.random.default_rng(seed)
    timeline = random_regions(rng, int(rng.integers(0, 30)), grid_for(seed), end_s=12.0)
    step_s = 0.016875
    expected = reference_timeline_to_frames(timeline, 700, step_s)
    assert np.array_equal(timeline_to_frames(timeline, 700, step_s), expected)
    assert np.array_equal(timeline_to_frames(timeline.support(), 700, step_s), expected)


@pytest.mark.parametrize("seed", SEEDS)
def test_add_overlapping_speakers_matches_the_turn_by_turn_scan(seed: int) -> None:
    rng = np.random.default_rng(seed)
    primary = random_turns(rng, int(rng.integers(1, 5)), overlapping=seed % 3 == 0, grid_s=grid_for(seed))
    overlap = random_regions(rng, int(rng.integers(0, 15)), grid_for(seed))
    for regions in (overlap, overlap.support()):
        for may_add_speaker in (True, False):
            assert same_tracks(
                add_overlapping_speakers(primary, regions, may_add_speaker),
                reference_add_overlapping_speakers(primary, regions, may_add_speaker),
            )
