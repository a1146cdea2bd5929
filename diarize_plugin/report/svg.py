"""A static picture of who spoke when: an ``Annotation`` as an SVG timeline.

For notebooks and documents (``IPython.display.SVG(annotation_to_svg(annotation))``), without
matplotlib: one lane per speaker in the report's colour-blind-safe palette, overlap in a lane
of its own, a time axis. SVG only: a PNG would need a rasteriser with fonts for the speaker
names and the axis (Pillow, cairo or a browser), a heavy run-time dependency for a picture that
every browser, notebook and document tool already draws from SVG.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from pyannote.core import Annotation

from ..util.timestamps import clock_timestamp
from .palette import speaker_style
from ..formats.statistics import overlap

_LABEL_W, _AXIS_H, _LANE_H, _OVERLAP_H, _PAD = 140, 22, 24, 14, 4
_TICK_STEPS_S = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200)


def annotation_to_svg(annotation: Annotation, width_px: int = 900, duration_s: float | None = None) -> str:
    """SVG text of a ``width_px`` wide timeline of ``annotation`` from 0 to ``duration_s``
    seconds (default: the end of the last turn); speakers in label order, one lane each."""
    labels = sorted(str(label) for label in annotation.labels())
    end_s = max(duration_s or 0.0, annotation.get_timeline(copy=False).extent().end if annotation else 0.0, 1.0)
    scale = (width_px - _LABEL_W - 8) / end_s
    height_px = _AXIS_H + len(labels) * _LANE_H + _OVERLAP_H + 6
    lane = {label: index for index, label in enumerate(labels)}

    def x(seconds: float) -> str:
        return f"{_LABEL_W + seconds * scale:.2f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_px}" height="{height_px}" '
        f'viewBox="0 0 {width_px} {height_px}" font-family="sans-serif" font-size="12">',
        "<defs>",
    ]
    parts += [_pattern(index) for index in range(len(labels))]
    parts.append("</defs>")
    parts.append(f'<rect width="{width_px}" height="{height_px}" fill="#ffffff"/>')
    step = next((step for step in _TICK_STEPS_S if step * scale >= 70), _TICK_STEPS_S[-1])
    tick = 0.0
    while tick <= end_s:
        parts.append(f'<line x1="{x(tick)}" x2="{x(tick)}" y1="{_AXIS_H - 6}" y2="{height_px}" stroke="#dadce0"/>')
        parts.append(f'<text x="{float(x(tick)) + 3:.2f}" y="{_AXIS_H - 9}" fill="#5f6368">{clock_timestamp(tick)}</text>')
        tick += step
    for index, label in enumerate(labels):
        y = _AXIS_H + index * _LANE_H
        parts.append(f'<rect x="{_LABEL_W}" y="{y}" width="{width_px - _LABEL_W}" height="{_LANE_H}" '
                     f'fill="{"#f4f5f7" if index % 2 == 0 else "#ffffff"}"/>')
        parts.append(f'<text x="6" y="{y + _LANE_H / 2 + 4:.1f}" font-weight="bold">{escape(label)}</text>')
    for segment, _, label in annotation.itertracks(yield_label=True):
        y = _AXIS_H + lane[str(label)] * _LANE_H + _PAD
        width = max(segment.duration * scale, 1.0)
        parts.append(f'<rect x="{x(segment.start)}" y="{y}" width="{width:.2f}" height="{_LANE_H - 2 * _PAD}" '
                     f'fill="{_fill(lane[str(label)])}"><title>{escape(str(label))} {segment.start:.2f}-'
                     f'{segment.end:.2f} s</title></rect>')
    overlap_y = _AXIS_H + len(labels) * _LANE_H
    parts.append(f'<text x="6" y="{overlap_y + _OVERLAP_H / 2 + 4:.1f}" fill="#5f6368">overlap</text>')
    for segment in overlap(annotation):
        parts.append(f'<rect x="{x(segment.start)}" y="{overlap_y + 4}" width="{max(segment.duration * scale, 1.0):.2f}" '
                     f'height="{_OVERLAP_H - 6}" fill="#3c4043"/>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _fill(index: int) -> str:
    style = speaker_style(index)
    return style.colour if style.fill == "solid" else f"url(#fill{index})"


def _pattern(index: int) -> str:
    style = speaker_style(index)
    if style.fill == "solid":
        return ""
    colour = quoteattr(style.colour)
    mark = (f'<path d="M0,8 L8,0 M-2,2 L2,-2 M6,10 L10,6" stroke={colour} stroke-width="2.5"/>'
            if style.fill == "hatched" else f'<circle cx="4" cy="4" r="2.6" fill={colour}/>')
    return (f'<pattern id="fill{index}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="#ffffff"/>{mark}</pattern>')
