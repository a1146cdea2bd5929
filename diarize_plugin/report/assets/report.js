// The report's timeline, player and transcript. Data comes from the JSON element
// #diarize-data; every text reaches the page through textContent or fillText, never as HTML.
// State for tests and tools: window.diarizeReport.
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("diarize-data").textContent);
  var audio = document.getElementById("audio");
  var scroller = document.getElementById("scroller");
  var spacer = document.getElementById("spacer");
  var canvas = document.getElementById("timeline");
  var context = canvas.getContext("2d");
  var follow = document.getElementById("follow");

  var LABEL_W = 160, AXIS_H = 24, LANE_H = 28, OVERLAP_H = 16, BAR_PAD = 4;
  var MAX_SCROLL_PX = 3.0e7; // browsers stop laying out wider elements near 2^25 px
  var TICK_STEPS_S = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];

  var duration = Math.max(data.duration_s, 1);
  var laneIndex = {};
  var lanes = data.speakers.map(function (speaker, index) {
    laneIndex[speaker.label] = index;
    return { label: speaker.label, colour: speaker.colour, fill: speaker.fill,
             starts: [], ends: [], reach: [], turns: [], style: null,
             doubtStarts: [], doubtEnds: [], doubtReach: [] };
  });
  // turns arrive sorted by start; "reach" is the running maximum of ends, so the first turn
  // that can still be in view is one binary search away even when a lane's turns overlap
  data.turns.forEach(function (turn, index) {
    var lane = lanes[turn[2]];
    var reach = lane.reach.length ? Math.max(lane.reach[lane.reach.length - 1], turn[1]) : turn[1];
    lane.starts.push(turn[0]); lane.ends.push(turn[1]); lane.reach.push(reach); lane.turns.push(index);
    if (turn[3] === 1) {  // a doubtful turn: its confidence is below one half
      var doubtReach = lane.doubtReach.length ? Math.max(lane.doubtReach[lane.doubtReach.length - 1], turn[1]) : turn[1];
      lane.doubtStarts.push(turn[0]); lane.doubtEnds.push(turn[1]); lane.doubtReach.push(doubtReach);
    }
  });
  var overlapStarts = data.overlaps.map(function (o) { return o[0]; });
  var overlapEnds = data.overlaps.map(function (o) { return o[1]; });
  var overlapReach = overlapEnds.slice();

  var state = window.diarizeReport = {
    turnCount: data.turns.length, laneCount: lanes.length, drawnTurns: 0, drawnLanes: 0,
    drawnByLane: lanes.map(function () { return 0; }), drawnOverlaps: 0, drawCount: 0, drawnDoubtful: 0,
    doubtfulTurns: data.turns.filter(function (turn) { return turn[3] === 1; }).length,
    firstPaintMs: null, lastDrawMs: null, pxPerSecond: 0, currentLine: -1, lastSeek: null,
    view: function () { return { start_s: viewStart(), end_s: viewStart() + dataWidth() / state.pxPerSecond }; },
    turnBox: turnBox, seek: seek, zoomBy: zoomBy, fit: fit
  };

  function dataWidth() { return Math.max(canvas.clientWidth - LABEL_W, 10); }
  function viewStart() { return scroller.scrollLeft / state.pxPerSecond; }
  function height() { return AXIS_H + lanes.length * LANE_H + OVERLAP_H + 6; }

  function firstReaching(reach, time) { // first index whose reach passes time
    var low = 0, high = reach.length;
    while (low < high) { var mid = (low + high) >> 1; if (reach[mid] <= time) low = mid + 1; else high = mid; }
    return low;
  }

  function clock(seconds, step) {
    var whole = Math.floor(seconds), h = Math.floor(whole / 3600), m = Math.floor(whole / 60) % 60, s = whole % 60;
    var text = (h ? h + ":" + String(m).padStart(2, "0") : String(m)) + ":" + String(s).padStart(2, "0");
    if (step !== undefined && step < 1) text += "." + String(Math.round((seconds - whole) * 10) % 10);
    return text;
  }

  function fillStyle(lane) {
    if (lane.style) return lane.style;
    if (lane.fill === "solid") return (lane.style = lane.colour);
    var tile = document.createElement("canvas");
    tile.width = tile.height = 8;
    var pen = tile.getContext("2d");
    pen.fillStyle = "#ffffff"; pen.fillRect(0, 0, 8, 8); pen.fillStyle = lane.colour;
    if (lane.fill === "hatched") {
      pen.beginPath(); pen.moveTo(0, 8); pen.lineTo(8, 0); pen.lineTo(8, 4); pen.lineTo(4, 8); pen.closePath(); pen.fill();
      pen.beginPath(); pen.moveTo(0, 0); pen.lineTo(4, 0); pen.lineTo(0, 4); pen.closePath(); pen.fill();
    } else {
      pen.beginPath(); pen.arc(4, 4, 2.6, 0, 2 * Math.PI); pen.fill();
    }
    return (lane.style = context.createPattern(tile, "repeat"));
  }

  function resize() {
    var ratio = window.devicePixelRatio || 1;
    canvas.style.width = scroller.clientWidth + "px";
    canvas.style.height = height() + "px";
    canvas.width = Math.round(scroller.clientWidth * ratio);
    canvas.height = Math.round(height() * ratio);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
  }

  function setScale(pxPerSecond, anchorTime, anchorX) {
    var fitScale = dataWidth() / duration;
    var most = Math.max(fitScale, Math.min(2000, MAX_SCROLL_PX / duration));
    state.pxPerSecond = Math.min(Math.max(pxPerSecond, fitScale), most);
    spacer.style.width = Math.ceil(LABEL_W + duration * state.pxPerSecond) + "px";
    scroller.scrollLeft = Math.max(0, anchorTime * state.pxPerSecond - (anchorX - LABEL_W));
    requestDraw();
  }

  function fit() { setScale(0, 0, LABEL_W); }
  function zoomBy(factor, anchorX) {
    anchorX = anchorX === undefined ? LABEL_W + dataWidth() / 2 : anchorX;
    setScale(state.pxPerSecond * factor, viewStart() + (anchorX - LABEL_W) / state.pxPerSecond, anchorX);
  }

  var drawPending = false;
  function requestDraw() {
    if (!drawPending) { drawPending = true; requestAnimationFrame(function () { drawPending = false; draw(); }); }
  }

  function draw() {
    var began = performance.now();
    var width = canvas.clientWidth, scale = state.pxPerSecond, start = viewStart();
    var end = start + dataWidth() / scale;
    context.clearRect(0, 0, width, height());
    lanes.forEach(function (lane, index) {
      context.fillStyle = index % 2 ? "#ffffff" : "#f4f5f7";
      context.fillRect(LABEL_W, AXIS_H + index * LANE_H, width - LABEL_W, LANE_H);
    });
    var overlapY = AXIS_H + lanes.length * LANE_H;
    // overlap: a band across every lane, and its own lane below them
    context.fillStyle = "rgba(0, 0, 0, 0.10)";
    forEachVisible(overlapStarts, overlapEnds, overlapReach, start, end, function (x0, x1) {
      context.fillRect(x0, AXIS_H, x1 - x0, lanes.length * LANE_H);
    });
    drawAxis(start, end, scale, width);
    var drawn = 0;
    lanes.forEach(function (lane, index) {
      var y = AXIS_H + index * LANE_H;
      context.fillStyle = fillStyle(lane);
      var count = forEachVisible(lane.starts, lane.ends, lane.reach, start, end, function (x0, x1) {
        context.fillRect(x0, y + BAR_PAD, x1 - x0, LANE_H - 2 * BAR_PAD);
      });
      state.drawnByLane[index] = count;
      drawn += count;
    });
    // doubtful turns: hatched over their colour, so the eye finds what to review
    context.fillStyle = doubtPattern();
    var doubtful = 0;
    lanes.forEach(function (lane, index) {
      var y = AXIS_H + index * LANE_H;
      doubtful += forEachVisible(lane.doubtStarts, lane.doubtEnds, lane.doubtReach, start, end, function (x0, x1) {
        context.fillRect(x0, y + BAR_PAD, x1 - x0, LANE_H - 2 * BAR_PAD);
      });
    });
    state.drawnDoubtful = doubtful;
    context.fillStyle = "#3c4043";
    state.drawnOverlaps = forEachVisible(overlapStarts, overlapEnds, overlapReach, start, end, function (x0, x1) {
      context.fillRect(x0, overlapY + 4, x1 - x0, OVERLAP_H - 6);
    });
    drawPlayhead(start, scale);
    drawLabels(overlapY);
    state.drawnTurns = drawn;
    state.drawCount += 1;
    state.lastDrawMs = performance.now() - began;
    if (state.firstPaintMs === null) state.firstPaintMs = performance.now();
  }

  // calls paint(x0, x1) for each interval in view, at least 1 px wide; returns how many
  function forEachVisible(starts, ends, reach, start, end, paint) {
    var scale = state.pxPerSecond, count = 0;
    for (var i = firstReaching(reach, start); i < starts.length && starts[i] < end; i++) {
      if (ends[i] <= start) continue;
      var x0 = LABEL_W + (Math.max(starts[i], start) - start) * scale;
      var x1 = LABEL_W + (Math.min(ends[i], end) - start) * scale;
      paint(x0, Math.max(x1, x0 + 1));
      count += 1;
    }
    return count;
  }

  var doubtPatternCache = null;
  function doubtPattern() {
    if (doubtPatternCache) return doubtPatternCache;
    var tile = document.createElement("canvas");
    tile.width = 8; tile.height = 8;
    var pen = tile.getContext("2d");
    pen.strokeStyle = "rgba(255, 255, 255, 0.85)"; pen.lineWidth = 2;
    pen.beginPath(); pen.moveTo(0, 8); pen.lineTo(8, 0); pen.moveTo(-2, 2); pen.lineTo(2, -2); pen.moveTo(6, 10); pen.lineTo(10, 6); pen.stroke();
    doubtPatternCache = context.createPattern(tile, "repeat");
    return doubtPatternCache;
  }

  function drawAxis(start, end, scale, width) {
    var step = TICK_STEPS_S[TICK_STEPS_S.length - 1];
    for (var k = 0; k < TICK_STEPS_S.length; k++) if (TICK_STEPS_S[k] * scale >= 80) { step = TICK_STEPS_S[k]; break; }
    context.fillStyle = "#ffffff"; context.fillRect(0, 0, width, AXIS_H);
    context.strokeStyle = "#dadce0"; context.fillStyle = "#5f6368";
    context.font = "12px system-ui, sans-serif"; context.textBaseline = "middle";
    context.beginPath();
    for (var tick = Math.ceil(start / step) * step; tick <= end; tick += step) {
      var x = Math.round(LABEL_W + (tick - start) * scale) + 0.5;
      context.moveTo(x, AXIS_H - 6); context.lineTo(x, height());
      context.fillText(clock(tick, step), x + 3, AXIS_H / 2 - 2);
    }
    context.stroke();
  }

  function drawPlayhead(start, scale) {
    var x = LABEL_W + (audio.currentTime - start) * scale;
    if (x < LABEL_W || x > canvas.clientWidth) return;
    context.fillStyle = "#000000";
    context.fillRect(Math.round(x) - 1, 0, 2, height());
    context.beginPath(); context.moveTo(x - 6, 0); context.lineTo(x + 6, 0); context.lineTo(x, 8); context.closePath(); context.fill();
  }

  function drawLabels(overlapY) {
    context.fillStyle = "#ffffff"; context.fillRect(0, 0, LABEL_W, height());
    context.font = "600 13px system-ui, sans-serif"; context.textBaseline = "middle";
    lanes.forEach(function (lane, index) {
      var y = AXIS_H + index * LANE_H;
      context.fillStyle = fillStyle(lane); context.fillRect(6, y + 7, 14, LANE_H - 14);
      context.fillStyle = "#1b1b1b";
      context.fillText(fitted(lane.label, LABEL_W - 34), 26, y + LANE_H / 2);
    });
    context.font = "12px system-ui, sans-serif"; context.fillStyle = "#5f6368";
    context.fillText("overlap", 26, overlapY + OVERLAP_H / 2 + 1);
    state.drawnLanes = lanes.length;
  }

  function fitted(text, room) {
    if (context.measureText(text).width <= room) return text;
    var low = 0, high = text.length;
    while (low < high) { var mid = (low + high + 1) >> 1; if (context.measureText(text.slice(0, mid) + "…").width <= room) low = mid; else high = mid - 1; }
    return text.slice(0, low) + "…";
  }

  // where turn `index` is drawn, in page coordinates (scrolled into view first)
  function turnBox(index) {
    var turn = data.turns[index], lane = turn[2];
    var visible = state.view();
    if (turn[0] < visible.start_s || turn[0] >= visible.end_s) { scroller.scrollLeft = turn[0] * state.pxPerSecond; draw(); }
    var rect = canvas.getBoundingClientRect(), start = viewStart();
    var x0 = LABEL_W + (Math.max(turn[0], start) - start) * state.pxPerSecond;
    var x1 = LABEL_W + (Math.min(turn[1], state.view().end_s) - start) * state.pxPerSecond;
    return { x: rect.left + x0, y: rect.top + AXIS_H + lane * LANE_H + BAR_PAD,
             width: Math.max(x1 - x0, 1), height: LANE_H - 2 * BAR_PAD };
  }

  function turnAt(x, y) {
    var laneNumber = Math.floor((y - AXIS_H) / LANE_H);
    if (laneNumber < 0 || laneNumber >= lanes.length) return -1;
    var lane = lanes[laneNumber], scale = state.pxPerSecond, time = viewStart() + (x - LABEL_W) / scale;
    var slack = 3 / scale, best = -1, bestGap = Infinity;
    for (var i = firstReaching(lane.reach, time - slack); i < lane.starts.length && lane.starts[i] <= time + slack; i++) {
      var gap = Math.max(lane.starts[i] - time, time - lane.ends[i], 0);
      if (gap < bestGap) { bestGap = gap; best = lane.turns[i]; }
    }
    return bestGap <= slack ? best : -1;
  }

  function seek(seconds) {
    state.lastSeek = seconds;
    audio.currentTime = seconds;
    var playing = audio.play();
    if (playing && playing.catch) playing.catch(function () {});
    update();
  }

  // --- transcript ---
  var items = [];
  var lineOrder = data.lines.map(function (_, index) { return index; })
    .sort(function (a, b) { return data.lines[a][0] - data.lines[b][0] || a - b; });
  function buildTranscript() {
    var list = document.getElementById("transcript");
    if (!data.has_transcript) {
      document.getElementById("no-transcript").hidden = false;
      list.hidden = true;
      return;
    }
    var fragment = document.createDocumentFragment();
    data.lines.forEach(function (line, index) {
      var item = document.createElement("li");
      var time = document.createElement("button");
      time.type = "button"; time.className = "time"; time.textContent = clock(line[0]);
      var who = document.createElement("span");
      who.className = "who"; who.textContent = line[2] === null ? "" : line[2];
      if (line[2] !== null && laneIndex.hasOwnProperty(line[2])) who.style.setProperty("--colour", lanes[laneIndex[line[2]]].colour);
      var text = document.createElement("span");
      text.className = "text"; text.textContent = line[3];
      if (line[4] === 1) { item.className = "doubtful"; item.title = "doubtful speaker (confidence below 0.5)"; who.textContent += " (?)"; }
      item.appendChild(time); item.appendChild(who); item.appendChild(text);
      item.addEventListener("click", function () { seek(line[0]); });
      items.push(item);
      fragment.appendChild(item);
    });
    list.appendChild(fragment);
  }

  function lineAt(seconds) { // the latest-starting line that holds `seconds`, or -1
    var low = 0, high = lineOrder.length;
    while (low < high) { var mid = (low + high) >> 1; if (data.lines[lineOrder[mid]][0] <= seconds) low = mid + 1; else high = mid; }
    for (var k = low - 1; k >= 0 && k >= low - 8; k--) if (data.lines[lineOrder[k]][1] > seconds) return lineOrder[k];
    return -1;
  }

  function update() {
    var now = audio.currentTime, line = lineAt(now);
    if (line !== state.currentLine) {
      if (state.currentLine >= 0) { items[state.currentLine].classList.remove("current"); items[state.currentLine].removeAttribute("aria-current"); }
      if (line >= 0) {
        items[line].classList.add("current"); items[line].setAttribute("aria-current", "true");
        if (follow.checked) items[line].scrollIntoView({ block: "nearest" });
      }
      state.currentLine = line;
    }
    if (follow.checked && !audio.paused) {
      var visible = state.view();
      if (now < visible.start_s || now > visible.end_s) scroller.scrollLeft = Math.max(0, now * state.pxPerSecond - 40);
    }
    requestDraw();
  }

  function tick() { update(); if (!audio.paused) requestAnimationFrame(tick); }

  // --- events ---
  var dragFrom = null, dragged = false;
  canvas.addEventListener("pointerdown", function (event) {
    dragFrom = { x: event.clientX, scroll: scroller.scrollLeft }; dragged = false;
  });
  window.addEventListener("pointermove", function (event) {
    if (!dragFrom) return;
    if (Math.abs(event.clientX - dragFrom.x) > 4) dragged = true;
    if (dragged) scroller.scrollLeft = dragFrom.scroll - (event.clientX - dragFrom.x);
  });
  window.addEventListener("pointerup", function () { dragFrom = null; });
  canvas.addEventListener("click", function (event) {
    if (dragged) return;
    var rect = canvas.getBoundingClientRect(), x = event.clientX - rect.left, y = event.clientY - rect.top;
    if (x < LABEL_W) return;
    var turn = turnAt(x, y);
    seek(turn >= 0 ? data.turns[turn][0] : Math.max(0, viewStart() + (x - LABEL_W) / state.pxPerSecond));
  });
  canvas.addEventListener("wheel", function (event) {
    if (!event.ctrlKey && !event.metaKey) return; // plain wheel: the page and the scroller move natively
    event.preventDefault();
    var rect = canvas.getBoundingClientRect();
    zoomBy(Math.exp(-event.deltaY * 0.002), Math.max(event.clientX - rect.left, LABEL_W));
  }, { passive: false });
  scroller.addEventListener("scroll", requestDraw, { passive: true });
  window.addEventListener("resize", function () { var start = viewStart(); resize(); setScale(state.pxPerSecond, start, LABEL_W); });
  document.getElementById("zoom-in").addEventListener("click", function () { zoomBy(2); });
  document.getElementById("zoom-out").addEventListener("click", function () { zoomBy(0.5); });
  document.getElementById("zoom-fit").addEventListener("click", fit);
  document.addEventListener("keydown", function (event) {
    if (event.target.tagName === "INPUT" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "+" || event.key === "=") zoomBy(2);
    else if (event.key === "-") zoomBy(0.5);
    else if (event.key === "0") fit();
  });
  audio.addEventListener("play", tick);
  audio.addEventListener("seeked", update);
  audio.addEventListener("timeupdate", update);
  audio.addEventListener("loadedmetadata", function () {
    if (isFinite(audio.duration) && audio.duration > duration + 0.5) {
      var start = viewStart(), fitted = state.pxPerSecond <= dataWidth() / duration + 1e-9;
      duration = audio.duration;
      setScale(fitted ? 0 : state.pxPerSecond, fitted ? 0 : start, LABEL_W);
    }
  });

  buildTranscript();
  resize();
  fit();
  draw();
})();
