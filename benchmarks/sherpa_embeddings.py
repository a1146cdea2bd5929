"""CAM++ embeddings of sherpa-onnx 2.0.1 against the plugin's, on real speech: one figure per line.

Clips: from each recording of ``../shared/data/real`` and each AMI excerpt of
``../shared/data/ami``, the start of its ``--turns`` longest reference turns (one speaker each in
the reference), cut to 0.5 s, 1.5 s and 5 s (turns shorter than a length give no clip of it).
Each clip is embedded four ways and compared by cosine similarity, per length (mean and
minimum):

- ``sherpa-onnx vs plugin``: sherpa-onnx's ``SpeakerEmbeddingExtractor`` on the prepared copy
  (``tools/sherpa_models.py``) against the plugin's float32 ``CampPlusEmbedder``: what the peer
  computes against what the plugin computes. They differ in their filterbanks: sherpa-onnx's
  mel bins reach 7.6 kHz (the plugin's, as 3D-Speaker's training, 8 kHz) and it keeps the edge
  frames (``snip_edges=False``);
- ``sherpa-onnx vs ONNX Runtime 1.32, same features``: the same copy against the project's ONNX
  Runtime running the original ``campplus.onnx`` on sherpa-onnx's own filterbanks (rebuilt with
  kaldi-native-fbank): the runtime alone, 1 when the copy computes what the original does;
- ``sherpa-onnx unrewritten vs ONNX Runtime 1.32, same features``: the same, through a copy
  with the metadata but the original ceil-mode pools: why the copy rewrites them.

Needs sherpa-onnx (``pip install sherpa-onnx==2.0.1 onnx``) and kaldi-native-fbank (test extra).

    python benchmarks/sherpa_embeddings.py [--turns 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import kaldi_native_fbank
import numpy as np
import onnx
import onnxruntime as ort
import sherpa_onnx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.ami import ami_files, ami_references  # noqa: E402
from benchmarks.real import real_files, real_reference  # noqa: E402
from diarize_plugin.audio.decode import SAMPLE_RATE, load_audio  # noqa: E402
from diarize_plugin.embed.campplus import BUNDLED_FP32_MODEL_PATH, CampPlusEmbedder  # noqa: E402
from tools.sherpa_models import EMBEDDING_METADATA, prepared_models, with_metadata  # noqa: E402

CLIP_LENGTHS_S = (0.5, 1.5, 5.0)


def clips(turns: int) -> Iterator[tuple[float, np.ndarray]]:
    """(length in s, 16 kHz waveform) of the clips described in the module docstring."""
    recordings = [(path, real_reference(path)) for path in real_files()]
    references = ami_references()
    recordings += [(path, references[path.stem]) for path in ami_files()]
    for path, reference in recordings:
        waveform = load_audio(path)
        longest = sorted(reference.itertracks(), key=lambda track: -track[0].duration)[:turns]
        for segment, _ in longest:
            for length_s in CLIP_LENGTHS_S:
                if segment.duration >= length_s:
                    start = int(segment.start * SAMPLE_RATE)
                    yield length_s, waveform[start : start + int(length_s * SAMPLE_RATE)]


class SherpaEmbedder:
    """sherpa-onnx's speaker-embedding extractor on one model file (one thread)."""

    def __init__(self, model: Path) -> None:
        self._extractor = sherpa_onnx.SpeakerEmbeddingExtractor(
            sherpa_onnx.SpeakerEmbeddingExtractorConfig(model=str(model), num_threads=1)
        )

    def embed(self, waveform: np.ndarray) -> np.ndarray:
        stream = self._extractor.create_stream()
        stream.accept_waveform(SAMPLE_RATE, waveform)
        stream.input_finished()
        return np.asarray(self._extractor.compute(stream))


class SameFeaturesEmbedder:
    """The original ``campplus.onnx`` under the project's ONNX Runtime, on sherpa-onnx's filterbanks
    (its ``FeatureExtractorConfig`` defaults: 80 bins from 20 Hz to Nyquist - 400 Hz, no dither,
    ``snip_edges=False``; minus the mean over the frames, its ``global-mean``)."""

    def __init__(self) -> None:
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        self._session = ort.InferenceSession(str(BUNDLED_FP32_MODEL_PATH), options, providers=["CPUExecutionProvider"])
        self._options = kaldi_native_fbank.FbankOptions()
        self._options.frame_opts.samp_freq = SAMPLE_RATE
        self._options.frame_opts.dither = 0.0
        self._options.frame_opts.snip_edges = False
        self._options.mel_opts.num_bins = 80
        self._options.mel_opts.low_freq = 20.0
        self._options.mel_opts.high_freq = -400.0

    def embed(self, waveform: np.ndarray) -> np.ndarray:
        fbank = kaldi_native_fbank.OnlineFbank(self._options)
        fbank.accept_waveform(SAMPLE_RATE, waveform.tolist())
        fbank.input_finished()
        feats = np.stack([fbank.get_frame(index) for index in range(fbank.num_frames_ready)])
        feats = (feats - feats.mean(axis=0))[None].astype(np.float32)
        return self._session.run(None, {"feats": feats})[0][0]


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=3, help="longest reference turns per recording")
    arguments = parser.parse_args()
    models = prepared_models()
    with tempfile.TemporaryDirectory() as folder:
        unrewritten_path = Path(folder) / "campplus-unrewritten.onnx"
        onnx.save(with_metadata(onnx.load(str(BUNDLED_FP32_MODEL_PATH)), EMBEDDING_METADATA), str(unrewritten_path))
        sherpa, unrewritten = SherpaEmbedder(models.embedding), SherpaEmbedder(unrewritten_path)
    plugin, same_features = CampPlusEmbedder(BUNDLED_FP32_MODEL_PATH, threads=1), SameFeaturesEmbedder()
    similarities: dict[tuple[str, float], list[float]] = defaultdict(list)
    for length_s, clip in clips(arguments.turns):
        peer, reference = sherpa.embed(clip), same_features.embed(clip)
        similarities["sherpa-onnx vs plugin", length_s].append(cosine(peer, plugin.embed_windows([clip])[0]))
        similarities["sherpa-onnx vs ONNX Runtime 1.32, same features", length_s].append(cosine(peer, reference))
        similarities["sherpa-onnx unrewritten vs ONNX Runtime 1.32, same features", length_s].append(
            cosine(unrewritten.embed(clip), reference)
        )
    for (comparison, length_s), values in sorted(similarities.items(), key=lambda item: item[0]):
        print(f"{comparison} cosine, {length_s:g} s clips ({len(values)}): mean {np.mean(values):.4f}, minimum {np.min(values):.4f}")


if __name__ == "__main__":
    main()
