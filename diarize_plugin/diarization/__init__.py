"""The pipeline: :class:`~.pipeline.Diarizer` composes the stages of each mode in order;
:mod:`.options` holds every option; :mod:`.neural`, :mod:`.window_speakers`, :mod:`.overlap`,
:mod:`.local_speakers`, :mod:`.turns` and :mod:`.speaker_merge` are its steps."""
