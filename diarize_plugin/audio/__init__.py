"""Audio in: any file decoded once to 16 kHz mono (:mod:`.decode`), held as an
:class:`~.source.AudioSource` read a piece at a time (:mod:`.source`), and the checks of input
paths (:mod:`.input_file`)."""

#: samples per second of the audio every stage takes: the rate the segmentation network and the
#: embedding models were trained at (their cards in ``diarize_plugin/models/``); every input is
#: decoded to it
SAMPLE_RATE = 16_000
