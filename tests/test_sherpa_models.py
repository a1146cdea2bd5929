"""tools/sherpa_models.py: the project's models prepared for sherpa-onnx (no sherpa-onnx needed).

The copies must carry every metadata key sherpa-onnx reads (a missing one ends its process),
and the rewritten CAM++ must compute what the original computes under the project's ONNX
Runtime: the rewrite only spells the ceil-mode pools in operators every runtime agrees on.
"""

from __future__ import annotations

import json

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper

from tools.sherpa_models import (
    EMBEDDING_NAME,
    MANIFEST_NAME,
    SEGMENTATION_NAME,
    prepared_models,
    rewrite_ceil_average_pools,
    write_models,
)
from diarize_plugin.embed.campplus import BUNDLED_FP32_MODEL_PATH as CAMPPLUS
from diarize_plugin.util.file_digest import sha256_of_files
from diarize_plugin.segmentation.network import BUNDLED_FP32_MODEL_PATH as SEGMENTATION


def _session(model: onnx.ModelProto | str) -> ort.InferenceSession:
    payload = model.SerializeToString() if isinstance(model, onnx.ModelProto) else model
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    return ort.InferenceSession(payload, options, providers=["CPUExecutionProvider"])


def _metadata(path) -> dict[str, str]:
    return {prop.key: prop.value for prop in onnx.load(str(path), load_external_data=False).metadata_props}


def _pool_model(kernel: int, **attributes) -> onnx.ModelProto:
    """A graph of one 1-D ceil-mode AveragePool over ``(N, C, T)``, as CAM++'s masking has."""
    node = helper.make_node("AveragePool", ["x"], ["y"], kernel_shape=[kernel], strides=[kernel], ceil_mode=1, **attributes)
    graph = helper.make_graph(
        [node],
        "pool",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", "C", "T"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", "C", "S"])],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sherpa")
    return folder, write_models(folder)


@pytest.fixture(scope="module")
def campplus_sessions(prepared):
    """The original CAM++ and its prepared copy, each in an ONNX Runtime session."""
    folder, _ = prepared
    return _session(str(CAMPPLUS)), _session(str(folder / EMBEDDING_NAME))


def test_segmentation_copy_carries_every_key_sherpa_onnx_reads(prepared) -> None:
    folder, _ = prepared
    metadata = _metadata(folder / SEGMENTATION_NAME)
    assert {key: metadata[key] for key in (
        "sample_rate", "window_size", "receptive_field_size", "receptive_field_shift",
        "num_speakers", "powerset_max_classes", "num_classes",
    )} == {
        "sample_rate": "16000", "window_size": "160000", "receptive_field_size": "991",
        "receptive_field_shift": "270", "num_speakers": "3", "powerset_max_classes": "2", "num_classes": "7",
    }


def test_embedding_copy_carries_every_key_sherpa_onnx_reads(prepared) -> None:
    folder, _ = prepared
    metadata = _metadata(folder / EMBEDDING_NAME)
    assert metadata["framework"] == "3d-speaker"
    assert metadata["output_dim"] == "192"
    assert metadata["sample_rate"] == "16000"
    assert metadata["normalize_samples"] == "1"
    assert metadata["feature_normalize_type"] == "global-mean"
    assert metadata["language"]


def test_segmentation_copy_computes_what_the_original_computes(prepared) -> None:
    folder, _ = prepared
    waveform = np.random.default_rng(0).uniform(-0.5, 0.5, (1, 1, 160_000)).astype(np.float32)
    original = _session(str(SEGMENTATION)).run(None, {"waveform": waveform})[0]
    copy = _session(str(folder / SEGMENTATION_NAME)).run(None, {"waveform": waveform})[0]
    np.testing.assert_array_equal(copy, original)


def test_embedding_copy_has_no_ceil_mode_pool_left(prepared) -> None:
    folder, _ = prepared
    nodes = onnx.load(str(folder / EMBEDDING_NAME)).graph.node
    pools = [node for node in nodes if node.op_type == "AveragePool"]
    assert pools
    assert all(helper.get_attribute_value(a) == 0 for node in pools for a in node.attribute if a.name == "ceil_mode")


def test_rewrite_changes_the_52_masking_pools_of_campplus() -> None:
    _, rewritten = rewrite_ceil_average_pools(onnx.load(str(CAMPPLUS)))
    assert rewritten == 52


@pytest.mark.parametrize("frames", [3, 57, 148, 199, 201, 402])
def test_rewritten_campplus_gives_the_original_embeddings(campplus_sessions, frames: int) -> None:
    # 199 frames leave 100 after the stride-2 layer (whole segments only); the others a partial one
    original_session, copy_session = campplus_sessions
    feats = np.random.default_rng(frames).standard_normal((2, frames, 80)).astype(np.float32)
    original = original_session.run(None, {"feats": feats})[0]
    copy = copy_session.run(None, {"feats": feats})[0]
    np.testing.assert_allclose(copy, original, atol=1e-4)


def test_rewritten_pool_averages_the_last_window_over_its_real_frames() -> None:
    rewritten, count = rewrite_ceil_average_pools(_pool_model(kernel=4))
    x = np.arange(2 * 3 * 6, dtype=np.float32).reshape(2, 3, 6)
    y = _session(rewritten).run(None, {"x": x})[0]
    assert count == 1
    np.testing.assert_allclose(y, np.stack([x[..., :4].mean(-1), x[..., 4:].mean(-1)], axis=-1), rtol=1e-6)


def test_rewrite_refuses_a_padded_pool() -> None:
    with pytest.raises(ValueError, match="only unpadded 1-D"):
        rewrite_ceil_average_pools(_pool_model(kernel=4, pads=[1, 1]))


def test_manifest_records_the_sha256_of_sources_and_copies(prepared) -> None:
    folder, manifest = prepared
    assert json.loads((folder / MANIFEST_NAME).read_text()) == manifest
    assert manifest[SEGMENTATION_NAME]["source_sha256"] == sha256_of_files([SEGMENTATION])
    assert manifest[EMBEDDING_NAME]["source_sha256"] == sha256_of_files([CAMPPLUS])
    for name in (SEGMENTATION_NAME, EMBEDDING_NAME):
        assert manifest[name]["sha256"] == sha256_of_files([folder / name])


def test_prepared_models_rebuilds_an_altered_copy(tmp_path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    for name in ("segmentation.onnx", "embedding.onnx"):
        onnx.save(_pool_model(kernel=4), str(sources / name))
    cache = tmp_path / "cache"
    models = prepared_models(cache, sources / "segmentation.onnx", sources / "embedding.onnx")
    written = models.embedding.read_bytes()
    models.embedding.write_bytes(b"damaged")
    prepared_models(cache, sources / "segmentation.onnx", sources / "embedding.onnx")
    assert models.embedding.read_bytes() == written


def test_prepared_models_rebuilds_when_a_source_changes(tmp_path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    onnx.save(_pool_model(kernel=4), str(sources / "segmentation.onnx"))
    onnx.save(_pool_model(kernel=4), str(sources / "embedding.onnx"))
    cache = tmp_path / "cache"
    prepared_models(cache, sources / "segmentation.onnx", sources / "embedding.onnx")
    onnx.save(_pool_model(kernel=5), str(sources / "embedding.onnx"))
    models = prepared_models(cache, sources / "segmentation.onnx", sources / "embedding.onnx")
    kernels = [
        helper.get_attribute_value(attribute)
        for node in onnx.load(str(models.embedding)).graph.node
        if node.op_type == "AveragePool"
        for attribute in node.attribute
        if attribute.name == "kernel_shape"
    ]
    assert kernels and all(kernel == [5] for kernel in kernels)
