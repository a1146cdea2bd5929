"""The project's float32 ONNX models prepared for sherpa-onnx, the peer of ``benchmarks/peer.py`` (dev tool).

sherpa-onnx 2.0.1 runs a pyannote segmentation model and a speaker-embedding model from ONNX
files that carry their settings as metadata (``metadata_props``); a missing key ends its
process. It feeds each model through its first input and reads its first output, whatever their
names, so the project's files fit as they are: segmentation ``waveform`` ``(N, 1, 160000)`` to
``log_probs`` ``(N, 589, 7)`` (sherpa-onnx takes the argmax, so log-probabilities serve as well as
logits), CAM++ ``feats`` ``(1, T, 80)`` to ``embeddings`` ``(1, 192)``. This script writes copies:

- ``segmentation-3.0.onnx``: ``diarize_plugin/models/segmentation-3.0.onnx`` plus the metadata
  sherpa-onnx reads (:data:`SEGMENTATION_METADATA`; the frame timing of
  ``models/segmentation-3.0.md``);
- ``campplus.onnx``: ``diarize_plugin/models/campplus.onnx`` plus its metadata
  (:data:`EMBEDDING_METADATA`: 3D-Speaker's framework, 192 dimensions, samples in [-1, 1],
  the per-bin mean over the frames subtracted, as 3D-Speaker and the plugin do), with its 52
  ceil-mode segment poolings rewritten (:func:`rewrite_ceil_average_pools`).

Why the rewrite: CAM++'s context-aware masking averages each layer's frames in segments of 100
(PyTorch ``avg_pool1d(ceil_mode=True)``), and the last segment is usually partial. PyTorch and
ONNX Runtime 1.32 average that segment over the frames it holds; the ONNX Runtime 1.28 inside
sherpa-onnx's wheel does not (embedding cosine to 1.32's 0.71-0.97 on short inputs), so the peer
would be judged with a damaged network. The copy pads each pool's input with zeros to whole
segments, averages whole segments, and divides by the share of real frames in each: the
definition, in operators every runtime computes alike. ``tests/test_sherpa_models.py`` checks,
under the project's ONNX Runtime, that the rewritten graph gives the original's embeddings.

Writes the copies, and ``manifest.json`` with the sha256 of the sources and of the copies, to
``benchmarks/.cache/sherpa/`` (git-ignored) and prints one line per file. Needs ``onnx`` (test
extra); not sherpa-onnx. ``benchmarks/peer.py`` calls :func:`prepared_models`, which writes them
when missing or made from other sources.

    python tools/sherpa_models.py [--output benchmarks/.cache/sherpa]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import onnx
from onnx import TensorProto, helper

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from diarize_plugin.util.atomic import atomic_write_bytes, atomic_write_text  # noqa: E402
from diarize_plugin.embed.campplus import BUNDLED_FP32_MODEL_PATH as CAMPPLUS_SOURCE  # noqa: E402
from diarize_plugin.util.file_digest import sha256_of_files  # noqa: E402
from diarize_plugin.segmentation.network import BUNDLED_FP32_MODEL_PATH as SEGMENTATION_SOURCE  # noqa: E402

DEFAULT_OUTPUT = REPO_ROOT / "benchmarks" / ".cache" / "sherpa"
SEGMENTATION_NAME = "segmentation-3.0.onnx"
EMBEDDING_NAME = "campplus.onnx"
MANIFEST_NAME = "manifest.json"

#: what sherpa-onnx's pyannote segmentation model reads (all required): 10 s chunks at 16 kHz,
#: the frame duration and step in samples (``models/segmentation-3.0.md``), and pyannote's
#: ``Powerset(3, 2)``: 3 local speakers, at most 2 at once, 7 classes
SEGMENTATION_METADATA = {
    "model_type": "pyannote-segmentation-3.0",
    "sample_rate": "16000",
    "window_size": "160000",
    "receptive_field_size": "991",
    "receptive_field_shift": "270",
    "num_speakers": "3",
    "powerset_max_classes": "2",
    "num_classes": "7",
}
#: what sherpa-onnx's speaker-embedding model reads: ``normalize_samples`` 1 keeps the samples
#: in [-1, 1] (0 would scale them to int16 range); ``global-mean`` subtracts the per-bin mean
#: over the frames; ``language`` must be present and non-empty (the checkpoint is Chinese and
#: English)
EMBEDDING_METADATA = {
    "framework": "3d-speaker",
    "output_dim": "192",
    "sample_rate": "16000",
    "normalize_samples": "1",
    "language": "Chinese-English",
    "feature_normalize_type": "global-mean",
    "comment": "CAM++ iic/speech_campplus_sv_zh_en_16k-common_advanced, diarize-plugin export",
}


@dataclass(frozen=True)
class PreparedModels:
    """The two files sherpa-onnx loads."""

    segmentation: Path
    embedding: Path


def with_metadata(model: onnx.ModelProto, metadata: dict[str, str]) -> onnx.ModelProto:
    """A copy of ``model`` whose ``metadata_props`` hold ``metadata`` (replacing keys it had)."""
    copy = onnx.ModelProto()
    copy.CopyFrom(model)
    kept = [prop for prop in copy.metadata_props if prop.key not in metadata]
    del copy.metadata_props[:]
    copy.metadata_props.extend(kept)
    for key, value in metadata.items():
        copy.metadata_props.add(key=key, value=value)
    return copy


def rewrite_ceil_average_pools(model: onnx.ModelProto) -> tuple[onnx.ModelProto, int]:
    """A copy of ``model`` whose 1-D ceil-mode ``AveragePool`` nodes average partial windows
    over their real frames, in operators without ceil mode; and how many nodes were rewritten.

    Each such pool (kernel ``k`` = stride ``k``, no padding) becomes::

        pad    = (k - T mod k) mod k                   T: frames of the input (N, C, T)
        sums   = AveragePool(Pad(x, pad at the end))   every window whole: its sum / k
        shares = AveragePool(Pad(ones(1, 1, T)))       real frames of each window / k
        y      = sums / shares                         the window's sum / its real frames

    which is what PyTorch's ``avg_pool1d(ceil_mode=True)`` computes. Raises ``ValueError`` for
    a ceil-mode pool of another shape (2-D, padded, or stride unlike its kernel).
    """
    copy = onnx.ModelProto()
    copy.CopyFrom(model)
    graph = copy.graph
    nodes: list[onnx.NodeProto] = []
    rewritten = 0
    for node in graph.node:
        attributes = {attribute.name: helper.get_attribute_value(attribute) for attribute in node.attribute}
        if node.op_type != "AveragePool" or not attributes.get("ceil_mode", 0):
            nodes.append(node)
            continue
        kernel = list(attributes["kernel_shape"])
        if len(kernel) != 1 or list(attributes.get("strides", [1])) != kernel or any(attributes.get("pads", [0, 0])):
            raise ValueError(f"{node.name}: only unpadded 1-D ceil-mode pools with stride = kernel are rewritten")
        nodes.extend(_pad_then_average(node, kernel[0], f"{node.name or node.output[0]}/whole_segments"))
        rewritten += 1
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.checker.check_model(copy)
    return copy, rewritten


def _pad_then_average(node: onnx.NodeProto, kernel: int, prefix: str) -> list[onnx.NodeProto]:
    """The nodes that replace one ceil-mode pool of ``kernel`` frames (see :func:`rewrite_ceil_average_pools`)."""

    def name(part: str) -> str:
        return f"{prefix}/{part}"

    def constant(part: str, values: list, dtype: int) -> onnx.NodeProto:
        tensor = helper.make_tensor(name(part), dtype, [len(values)], values)
        return helper.make_node("Constant", [], [name(part)], value=tensor)

    def average(inputs: str, output: str) -> onnx.NodeProto:
        return helper.make_node("AveragePool", [inputs], [output], kernel_shape=[kernel], strides=[kernel], ceil_mode=0)

    source, target = node.input[0], node.output[0]
    return [
        helper.make_node("Shape", [source], [name("shape")]),
        constant("two", [2], TensorProto.INT64),
        constant("three", [3], TensorProto.INT64),
        constant("kernel", [kernel], TensorProto.INT64),
        constant("zeros", [0, 0, 0, 0, 0], TensorProto.INT64),
        constant("one_one", [1, 1], TensorProto.INT64),
        constant("one", [1.0], TensorProto.FLOAT),
        helper.make_node("Slice", [name("shape"), name("two"), name("three")], [name("frames")]),
        helper.make_node("Mod", [name("frames"), name("kernel")], [name("remainder")]),
        helper.make_node("Sub", [name("kernel"), name("remainder")], [name("short")]),
        helper.make_node("Mod", [name("short"), name("kernel")], [name("pad")]),
        helper.make_node("Concat", [name("zeros"), name("pad")], [name("pads")], axis=0),
        helper.make_node("Pad", [source, name("pads")], [name("padded")]),
        average(name("padded"), name("sums")),
        helper.make_node("Concat", [name("one_one"), name("frames")], [name("ones_shape")], axis=0),
        helper.make_node("Expand", [name("one"), name("ones_shape")], [name("ones")]),
        helper.make_node("Pad", [name("ones"), name("pads")], [name("padded_ones")]),
        average(name("padded_ones"), name("shares")),
        helper.make_node("Div", [name("sums"), name("shares")], [target], name=node.name),
    ]


def sherpa_segmentation(source: Path = SEGMENTATION_SOURCE) -> onnx.ModelProto:
    """The segmentation model at ``source`` with sherpa-onnx's metadata."""
    return with_metadata(onnx.load(str(source)), SEGMENTATION_METADATA)


def sherpa_embedding(source: Path = CAMPPLUS_SOURCE) -> onnx.ModelProto:
    """The CAM++ model at ``source`` with its ceil-mode pools rewritten and sherpa-onnx's metadata."""
    rewritten, _ = rewrite_ceil_average_pools(onnx.load(str(source)))
    return with_metadata(rewritten, EMBEDDING_METADATA)


def write_models(
    output: Path = DEFAULT_OUTPUT,
    segmentation_source: Path = SEGMENTATION_SOURCE,
    embedding_source: Path = CAMPPLUS_SOURCE,
) -> dict[str, dict[str, str]]:
    """Write both copies and ``manifest.json`` under ``output``; returns the manifest:
    for each copy, its source path, the source's sha256 and its own sha256."""
    output.mkdir(parents=True, exist_ok=True)
    manifest = {}
    for file_name, model, source in (
        (SEGMENTATION_NAME, sherpa_segmentation(segmentation_source), segmentation_source),
        (EMBEDDING_NAME, sherpa_embedding(embedding_source), embedding_source),
    ):
        target = output / file_name
        atomic_write_bytes(target, model.SerializeToString())
        manifest[file_name] = {
            "source": _shown(source),
            "source_sha256": sha256_of_files([source]),
            "sha256": sha256_of_files([target]),
        }
    atomic_write_text(output / MANIFEST_NAME, json.dumps(manifest, indent=2) + "\n")
    return manifest


def prepared_models(
    output: Path = DEFAULT_OUTPUT,
    segmentation_source: Path = SEGMENTATION_SOURCE,
    embedding_source: Path = CAMPPLUS_SOURCE,
) -> PreparedModels:
    """The copies under ``output``, written first when missing, altered, or made from other sources."""
    if not _up_to_date(output, {SEGMENTATION_NAME: segmentation_source, EMBEDDING_NAME: embedding_source}):
        write_models(output, segmentation_source, embedding_source)
    return PreparedModels(segmentation=output / SEGMENTATION_NAME, embedding=output / EMBEDDING_NAME)


def _shown(path: Path) -> str:
    """``path`` relative to the repository when inside it (the manifest reads the same in every checkout)."""
    resolved = path.resolve()
    return str(resolved.relative_to(REPO_ROOT)) if resolved.is_relative_to(REPO_ROOT) else str(resolved)


def _up_to_date(output: Path, sources: dict[str, Path]) -> bool:
    try:
        manifest = json.loads((output / MANIFEST_NAME).read_text())
        return all(
            manifest[file_name]["source_sha256"] == sha256_of_files([source])
            and manifest[file_name]["sha256"] == sha256_of_files([output / file_name])
            for file_name, source in sources.items()
        )
    except (OSError, ValueError, KeyError, TypeError):
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="folder for the copies")
    arguments = parser.parse_args()
    manifest = write_models(arguments.output)
    for file_name, entry in manifest.items():
        print(f"{arguments.output / file_name} sha256: {entry['sha256']}")
        print(f"{arguments.output / file_name} made from: {entry['source']} (sha256 {entry['source_sha256']})")


if __name__ == "__main__":
    main()
