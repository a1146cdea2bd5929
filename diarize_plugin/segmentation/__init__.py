"""Where the speech is and where two people speak at once: the segmentation network
(:mod:`.network`), how its output becomes speech and overlap (:mod:`.speech_decoding`,
:mod:`.background`), webrtcvad (:mod:`.vad`), their settings (:mod:`.settings`)."""
