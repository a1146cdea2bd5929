"""Small helpers every stage may use: atomic writes, file digests, thread counts, progress bars,
ONNX Runtime sessions, the record of a run, time stamps. Nothing here imports a stage."""
