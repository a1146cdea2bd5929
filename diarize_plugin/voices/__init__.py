"""The voice database: enroll people once, then name them when they speak.

- :mod:`.store` (:class:`VoiceStore`): the SQLite file of people and voiceprints; :mod:`.location`
  says where it lives and keeps it owner-only; :mod:`.transfer` exports and imports it as JSON.
- :mod:`.enrollment` (:func:`enroll`): a voiceprint per recording of one person.
- :mod:`.identification` (:class:`Gallery`): who is this voice, or unknown (open set).
- :mod:`.naming` (:func:`name_speakers`): the speakers of a diarization named one-to-one;
  :func:`.diarize_with_voices.run_with_voices` diarizes and names in one call.
- :mod:`.verification` (:func:`~.verification.verify`): are two recordings the same speaker.

>>> from diarize_plugin import Diarizer                                # doctest: +SKIP
>>> from diarize_plugin.voices import VoiceStore, Gallery, enroll, identify
>>> diarizer = Diarizer()
>>> with VoiceStore.open("voices.sqlite3") as store:
...     enroll(store, "Alice", ["alice.wav"], diarizer)
...     print(identify("unknown.wav", Gallery.from_store(store, diarizer.embedder), diarizer).name)
"""

from __future__ import annotations

from .enrollment import enroll
from .identification import Candidate, Gallery, Identification, identify
from .location import VOICE_DB_ENV, voice_db_path
from .naming import SpeakerName, SpeakerNaming, name_speakers
from .people import Person, Voiceprint
from .store import VoiceStore
from .transfer import export_voices, import_voices

__all__ = [
    "VOICE_DB_ENV", "Candidate", "Gallery", "Identification", "Person", "SpeakerName", "SpeakerNaming",
    "VoiceStore", "Voiceprint", "enroll", "export_voices", "identify", "import_voices", "name_speakers",
    "voice_db_path",
]
