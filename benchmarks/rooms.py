"""Far-field speech: each speaker's track through a simulated room (pyroomacoustics).

A shoebox room (4–9 m × 3–7 m × 2.5–3.5 m) with a reverberation time of 0.3–0.9 s (Sabine's
formula, image-source method), one microphone on the table and every speaker somewhere else
in the room, 1–4 m away. Impulse responses are cut so that the direct sound arrives at
sample 0: the reference speaker turns stay where the dry speech was.
"""

from __future__ import annotations

import numpy as np
import pyroomacoustics

from benchmarks.conversations import SAMPLE_RATE

RT60_S = (0.3, 0.9)
#: highest image-source order simulated (the late tail is shaped by the order anyway; higher
#: orders cost seconds per response)
MAX_ORDER = 17


def room_impulse_responses(count: int, rng: np.random.Generator) -> list[np.ndarray]:
    """``count`` impulse responses (16 kHz) from distinct places of one random room to one mic."""
    size = np.array([rng.uniform(4, 9), rng.uniform(3, 7), rng.uniform(2.5, 3.5)])
    absorption, order = pyroomacoustics.inverse_sabine(float(rng.uniform(*RT60_S)), size)
    room = pyroomacoustics.ShoeBox(
        size, fs=SAMPLE_RATE, materials=pyroomacoustics.Material(absorption), max_order=min(order, MAX_ORDER)
    )
    microphone = np.array([rng.uniform(1.0, size[0] - 1.0), rng.uniform(1.0, size[1] - 1.0), 0.8])
    for _ in range(count):
        room.add_source(_place_away_from(microphone, size, rng))
    room.add_microphone(microphone)
    room.compute_rir()
    responses = []
    for response in room.rir[0]:
        direct = int(np.argmax(np.abs(response)))
        responses.append(np.asarray(response[max(0, direct - 40) :], dtype=np.float32))
    return responses


def reverberate(track: np.ndarray, response: np.ndarray) -> np.ndarray:
    """``track`` heard through ``response``, as long as ``track``."""
    from scipy.signal import fftconvolve

    return fftconvolve(track, response)[: len(track)].astype(np.float32)


def _place_away_from(microphone: np.ndarray, size: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A talker's mouth (1.1–1.7 m high) 1–4 m from the microphone, 0.5 m inside the walls."""
    for _ in range(1000):
        place = np.array([rng.uniform(0.5, size[0] - 0.5), rng.uniform(0.5, size[1] - 0.5), rng.uniform(1.1, 1.7)])
        if 1.0 <= np.linalg.norm(place - microphone) <= 4.0:
            return place
    return np.array([0.5, 0.5, 1.4])
