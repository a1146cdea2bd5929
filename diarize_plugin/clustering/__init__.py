"""How window embeddings become speakers: :mod:`.counting` chooses the method (agglomerative
:mod:`.ahc`, :mod:`.spectral`, :mod:`.vbx`, then optionally :mod:`.reassignment`) within the
user's :mod:`.bounds`."""
