"""The HTML report in a real headless Chromium (Debian's ``chromium``, driven by Playwright):
every lane and turn is drawn, a click on a turn moves the player, the transcript follows,
hostile names stay text, and a 3-hour report paints fast.

Skips with a reason where Chromium or Playwright is absent (``.ci/run`` installs both).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile
from pyannote.core import Annotation, Segment

from conftest import REPO_ROOT, SAMPLE_RATE, speech_like
from diarize_plugin.formats import read_rttm
from diarize_plugin.report import speaker_style, write_report
from diarize_plugin.transcript import Segment as TranscriptSegment
from diarize_plugin.transcript import Transcript, merge, read_transcript

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
SAMPLE = REPO_ROOT / "examples"


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright drives Chromium (pip install playwright)")
    if CHROMIUM is None:
        pytest.skip("no chromium on PATH (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    opened = context.new_page()
    opened.errors = []
    opened.on("pageerror", lambda error: opened.errors.append(str(error)))
    yield opened
    context.close()


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Annotation]:
    """The report of pyannote's sample conversation (reference turns, transcript) when
    ``examples/fetch_sample.py`` has fetched it, else of two voices made here."""
    folder = tmp_path_factory.mktemp("sample")
    if all((SAMPLE / name).is_file() for name in ("sample.wav", "sample.rttm", "sample.whisper.json")):
        audio, annotation = SAMPLE / "sample.wav", read_rttm(SAMPLE / "sample.rttm")["sample"]
        transcript = read_transcript(SAMPLE / "sample.whisper.json")
    else:
        audio = folder / "voices.wav"
        waveform = np.concatenate([speech_like(3.0, 1, 110.0), speech_like(3.0, 2, 220.0), speech_like(3.0, 3, 110.0)])
        soundfile.write(audio, waveform, SAMPLE_RATE)
        annotation = Annotation(uri="voices")
        for start_s, end_s, label in ((0.0, 3.0, "A"), (2.5, 6.0, "B"), (6.0, 9.0, "A")):
            annotation[Segment(start_s, end_s)] = label
        transcript = Transcript(tuple(TranscriptSegment(s, e, f"line {i}") for i, (s, e) in enumerate(
            ((0.0, 2.5), (2.5, 6.0), (6.0, 9.0)))))
    path = folder / "report.html"
    write_report(path, annotation, audio, transcript=merge(annotation, transcript))
    return path, annotation


def open_report(page, path: Path) -> None:
    page.goto(path.as_uri())
    page.wait_for_function("window.diarizeReport && window.diarizeReport.drawCount > 0")


def test_every_lane_and_turn_is_drawn_in_its_speakers_colour(page, sample_report, tmp_path: Path) -> None:
    path, annotation = sample_report
    open_report(page, path)
    state = page.evaluate("({lanes: diarizeReport.drawnLanes, byLane: diarizeReport.drawnByLane,"
                          " turns: diarizeReport.drawnTurns, total: diarizeReport.turnCount})")
    labels = sorted(annotation.labels())
    assert state["lanes"] == len(labels)
    tracks = list(annotation.itertracks(yield_label=True))
    assert state["byLane"] == [sum(1 for _, _, of in tracks if of == label) for label in labels]
    assert state["turns"] == state["total"] == len(annotation)
    turns = sorted((segment.start, segment.end, label) for segment, _, label in annotation.itertracks(yield_label=True))
    for index, (_, _, label) in enumerate(turns):
        box = page.evaluate(f"diarizeReport.turnBox({index})")
        red, green, blue = page.evaluate(
            "([x, y]) => { const c = document.getElementById('timeline'), r = c.getBoundingClientRect(),"
            " k = window.devicePixelRatio || 1;"
            " return Array.from(c.getContext('2d').getImageData((x - r.left) * k, (y - r.top) * k, 1, 1).data.slice(0, 3)); }",
            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
        )
        assert f"#{red:02X}{green:02X}{blue:02X}" == speaker_style(labels.index(label)).colour
    screenshot = tmp_path / "report.png"
    page.screenshot(path=str(screenshot))
    assert screenshot.stat().st_size > 10_000
    assert page.errors == []


def test_clicking_a_turn_plays_from_its_start_and_highlights_its_line(page, sample_report) -> None:
    path, annotation = sample_report
    open_report(page, path)
    page.wait_for_function("isFinite(document.getElementById('audio').duration)")
    index = len(annotation) // 2
    box = page.evaluate(f"diarizeReport.turnBox({index})")
    page.mouse.click(box["x"] + min(3, box["width"] / 2), box["y"] + box["height"] / 2)
    start_s = sorted(segment.start for segment, _ in annotation.itertracks())[index]
    page.wait_for_function("Math.abs(document.getElementById('audio').currentTime - %r) < 0.5" % start_s)
    page.wait_for_function("document.querySelector('#transcript li.current') !== null")
    start, end, now = page.evaluate(
        "() => { const lines = JSON.parse(document.getElementById('diarize-data').textContent).lines,"
        " line = lines[diarizeReport.currentLine];"
        " return [line[0], line[1], document.getElementById('audio').currentTime]; }")
    assert start <= now < end


def test_clicking_a_transcript_line_plays_from_its_start(page, sample_report) -> None:
    path, _ = sample_report
    open_report(page, path)
    page.wait_for_function("isFinite(document.getElementById('audio').duration)")
    last = page.locator("#transcript li").last
    last.click()
    start_s = page.evaluate("JSON.parse(document.getElementById('diarize-data').textContent).lines.at(-1)[0]")
    page.wait_for_function("Math.abs(document.getElementById('audio').currentTime - %r) < 0.5" % start_s)
    assert "current" in last.get_attribute("class")


def test_hostile_names_and_lines_are_shown_as_text(page, tmp_path: Path) -> None:
    audio = tmp_path / "short.wav"
    soundfile.write(audio, speech_like(2.0), SAMPLE_RATE)
    name, line = "<img src=x onerror=window.pwned=1>", "</script><script>window.pwned=2</script>"
    annotation = Annotation(uri="hostile")
    annotation[Segment(0.0, 2.0)] = name
    transcript = Transcript((TranscriptSegment(0.0, 2.0, line, speaker=name),))
    write_report(tmp_path / "hostile.html", annotation, audio, transcript=transcript)
    open_report(page, tmp_path / "hostile.html")
    assert page.evaluate("window.pwned") is None
    assert page.evaluate("document.querySelector('#transcript .text').textContent") == line
    assert page.evaluate("document.querySelector('#transcript .who').textContent") == name
    assert page.errors == []


def test_three_hour_report_with_3000_turns_paints_within_two_seconds(page, tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    annotation = Annotation(uri="long")
    time_s = 0.0
    for index in range(3000):
        length_s = float(rng.uniform(0.5, 6.0))
        start_s = max(0.0, time_s - (0.5 if index % 7 == 0 else -0.3))
        annotation[Segment(start_s, start_s + length_s)] = f"SPEAKER_{rng.integers(0, 6):02d}"
        time_s = start_s + length_s
    audio = tmp_path / "long.wav"
    soundfile.write(audio, np.zeros(SAMPLE_RATE, dtype=np.float32), SAMPLE_RATE)
    write_report(tmp_path / "long.html", annotation, audio, duration_s=3 * 3600.0, embed_limit_bytes=0)
    open_report(page, tmp_path / "long.html")
    first_paint_ms = page.evaluate("diarizeReport.firstPaintMs")
    contentful_ms = page.evaluate("(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime")
    print(f"3-hour report, 3000 turns: timeline drawn {first_paint_ms:.0f} ms after navigation start,"
          f" first contentful paint {contentful_ms or float('nan'):.0f} ms")
    assert page.evaluate("diarizeReport.drawnTurns") == 3000
    assert first_paint_ms < 2000
    draw_ms = page.evaluate("""async () => {
        const times = [], scroller = document.getElementById('scroller');
        diarizeReport.zoomBy(64);
        for (let step = 0; step < 20; step++) {
            scroller.scrollLeft += 400;
            await new Promise(requestAnimationFrame);
            await new Promise(requestAnimationFrame);
            times.push(diarizeReport.lastDrawMs);
        }
        return times;
    }""")
    print(f"zoomed x64 and scrolled: slowest redraw {max(draw_ms):.1f} ms")
    assert max(draw_ms) < 50
