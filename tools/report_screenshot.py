"""Make docs/report.png, the README's picture of the HTML report: diarize pyannote's sample
conversation with the bundled models, merge its transcript, write the report and photograph
it in headless Chromium (Debian's ``chromium``, driven by Playwright).

    python examples/fetch_sample.py && python tools/report_screenshot.py
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "report.png")
    arguments = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from diarize_plugin import Diarizer, merge
    from diarize_plugin.report import write_report
    from diarize_plugin.transcript import read_transcript

    audio = EXAMPLES / "sample.wav"
    if not audio.is_file():
        sys.exit("run python examples/fetch_sample.py first")
    annotation = Diarizer().run(str(audio))
    annotation.uri = "sample.wav"
    transcript = merge(annotation, read_transcript(EXAMPLES / "sample.whisper.json"))
    chromium = shutil.which("chromium") or sys.exit("apt-get install chromium first")
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        report = Path(folder) / "sample.html"
        write_report(report, annotation, audio, transcript=transcript, options={"segmentation": "neural"})
        browser = playwright.chromium.launch(executable_path=chromium, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1000, "height": 560})
        page.goto(report.as_uri())
        page.wait_for_function("window.diarizeReport && isFinite(document.getElementById('audio').duration)")
        box = page.evaluate("diarizeReport.turnBox(3)")
        page.mouse.click(box["x"] + 2, box["y"] + box["height"] / 2)  # playhead and a highlighted line
        page.wait_for_timeout(300)
        page.evaluate("document.getElementById('audio').pause()")
        arguments.out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(arguments.out))
        browser.close()
    print(f"{arguments.out} ({arguments.out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
