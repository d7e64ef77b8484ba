// grapevine studio: sliders over a scenario's key values; every change
// reruns it on the server (debounced, superseding a run still going) and
// redraws the charts with their 90% bands. "Keep this run" pins a result
// so the next ones are drawn against it.
(function () {
  'use strict';
  const $ = id => document.getElementById(id);
  const COLOURS = ['#3c3c3c', '#0072b2', '#e69f00', '#cc79a7', '#56b4e9', '#000000'];
  const DASHED = [false, false, true, false, true, true];
  const DEBOUNCE_MS = 150;
  // What variant_set_wins says of a value a what-if's own `set` gives.
  const OWN_SET = 'its own set';

  const state = {
    list: [], scenario: null, values: {}, switches: {}, runs: 20,
    result: null, kept: null, keptWhat: '', film: null, player: null,
    controller: null, timer: null, started: 0, charts: [], draws: 0,
  };
  window.grapevineStudio = state; // for the browser test and the curious

  // --- numbers and words ---------------------------------------------------
  const decimals = step => Math.max(0, Math.min(4, Math.ceil(-Math.log10(step) - 1e-9)));
  const percent = c => c.kind === 'number' && c.min >= 0 && c.max <= 1 && /rate|share|probability/.test(c.path);
  function fanOutAt(shape, x) {
    const k = Math.max(0, Math.round(x));
    switch (shape.kind) {
      case 'fixed': return { kind: 'fixed', k };
      // A range keeps the file's proportions (2–3 at 20 is 20–30, the
      // lore's pair); one from 0 keeps its width. As studio.rs's fan_out_at.
      case 'uniform': return { kind: 'uniform', min: k, max: shape.ratio ? Math.max(k, Math.round(k * shape.ratio)) : k + shape.width };
      case 'poisson': return { kind: 'poisson', mean: Math.max(0, x) };
      default: return { kind: 'negative-binomial', mean: Math.max(0, x), dispersion: shape.dispersion };
    }
  }
  function describe(c, x) {
    if (c.kind === 'fan-out') {
      const v = fanOutAt(c.shape, x);
      const people = n => n === 1 ? '1 person' : n + ' people';
      if (v.kind === 'fixed') return people(v.k);
      if (v.kind === 'uniform') return v.min === v.max ? people(v.min) : v.min + '–' + v.max + ' people';
      return 'about ' + people(+x.toFixed(1));
    }
    if (percent(c)) return Math.round(x * 100) + '%';
    const text = x.toFixed(decimals(c.step));
    return c.min < 0 && x > 0 ? '+' + text : text;
  }
  // A figure that rounds to zero prints as 0, never as −0.00.
  const rounded = (x, d) => { const r = +x.toFixed(d); return r === 0 ? 0 : r; };
  const signed = (x, d) => { const r = rounded(x, d); return (r > 0 ? '+' : r < 0 ? '−' : '') + Math.abs(r).toFixed(d); };
  // An axis's numbers in one form, as the PNG charts write them
  // (`style::axis_format`): thousands as 12k from 10,000 up, millions as
  // 1.5M, so a large figure fits beside the axis; and the decimals that
  // every tick needs, the same for all (0, 1,000, 2,000; 0.5, 1.0; 2.5k,
  // 5.0k; never 0.00 beside 50.0, never 3k for 2.5k).
  const axisLabels = (u, ticks) => {
    const top = Math.max(0, ...ticks.map(Math.abs));
    const [div, suffix] = top >= 1e6 ? [1e6, 'M'] : top >= 1e4 ? [1e3, 'k'] : [1, ''];
    const scaled = ticks.map(t => t / div);
    const exact = d => scaled.every(v => Math.abs(rounded(v, d) - v) < 1e-9 * Math.max(1, Math.abs(v)));
    let d = 0;
    while (d < 3 && !exact(d)) d++;
    return scaled.map(v => {
      const r = rounded(v, d);
      return r === 0 ? '0' : r.toLocaleString('en-GB', { minimumFractionDigits: d, maximumFractionDigits: d }) + suffix;
    });
  };
  const fmt = x => { const d = Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 1 ? 1 : 2; return rounded(x, d).toFixed(d); };

  // --- the scenario's controls -------------------------------------------
  function pick(name) {
    const s = state.list.find(x => x.name === name) || state.list[0];
    state.scenario = s;
    state.values = {}; state.switches = {};
    state.kept = null; state.result = null; state.film = null;
    s.controls.forEach(c => { state.values[c.path] = c.value; });
    s.events.forEach(e => { state.switches[e.name] = true; });
    state.runs = s.studio_runs;
    $('scenario').value = s.name;
    $('title').textContent = s.title;
    $('description').textContent = s.description || '';
    $('lesson').textContent = s.lesson || '';
    $('lesson-box').hidden = !s.lesson;
    $('runs').value = state.runs;
    buildControls(s);
    showKept();
    history.replaceState(null, '', '#' + encodeURIComponent(s.name));
    run();
  }

  function buildControls(s) {
    const form = $('controls');
    form.textContent = '';
    s.controls.forEach((c, i) => {
      const div = document.createElement('div');
      div.className = 'control';
      div.dataset.path = c.path;
      const id = 'control' + i;
      div.innerHTML = '<label for="' + id + '"><span></span><output></output></label>' +
        '<input type="range" id="' + id + '"><div class="was"></div>';
      div.querySelector('span').textContent = c.label;
      const input = div.querySelector('input');
      input.min = c.min; input.max = c.max; input.step = c.step; input.value = c.value;
      input.setAttribute('aria-valuetext', describe(c, c.value));
      div.querySelector('.was').textContent = 'in the file: ' + describe(c, c.value);
      const show = () => {
        const x = +input.value;
        state.values[c.path] = x;
        div.querySelector('output').textContent = describe(c, x);
        input.setAttribute('aria-valuetext', describe(c, x));
        div.classList.toggle('changed', x !== c.value);
      };
      input.addEventListener('input', () => { show(); schedule(); });
      show();
      form.appendChild(div);
    });
    const box = $('switches');
    box.querySelectorAll('label').forEach(l => l.remove());
    box.hidden = s.events.length === 0;
    s.events.forEach(e => {
      const label = document.createElement('label');
      label.innerHTML = '<input type="checkbox" checked> <span></span> <small></small>';
      label.querySelector('span').textContent = e.name;
      label.querySelector('small').textContent = e.when + (e.variants.length < s.variants.length ? ' · ' + e.variants.join(', ') : '');
      label.querySelector('input').addEventListener('change', ev => {
        state.switches[e.name] = ev.target.checked; schedule();
      });
      box.appendChild(label);
    });
  }

  /// The request for the values on the page: only what differs from the file.
  function request(extra) {
    const s = state.scenario, set = {}, events = {};
    s.controls.forEach(c => {
      const x = state.values[c.path];
      if (x === c.value) return;
      set[c.path] = c.kind === 'fan-out' ? fanOutAt(c.shape, x) : x;
    });
    Object.entries(state.switches).forEach(([name, on]) => { if (!on) events[name] = false; });
    // Values act from week 1 on (the town's past as in the file) unless
    // the page asks for the past too.
    const before = $('before').checked;
    return Object.assign({ scenario: s.name, set, events, runs: state.runs, before }, extra || {});
  }

  function changes() {
    const s = state.scenario, out = [];
    s.controls.forEach(c => {
      if (state.values[c.path] !== c.value) out.push(c.label + ' ' + describe(c, state.values[c.path]));
    });
    Object.entries(state.switches).forEach(([name, on]) => { if (!on) out.push(name + ' off'); });
    return out.length ? out.join(', ') : 'the values in the file';
  }

  // --- running -------------------------------------------------------------
  function schedule() {
    clearTimeout(state.timer);
    state.timer = setTimeout(run, DEBOUNCE_MS);
  }

  function status(text, fraction) {
    $('status').textContent = text;
    const bar = $('progress');
    if (fraction === null) bar.removeAttribute('value'); else bar.value = fraction;
  }

  function problem(text) {
    const p = $('problem');
    p.hidden = !text;
    p.textContent = text || '';
  }

  async function run() {
    clearTimeout(state.timer);
    if (state.controller) state.controller.abort();
    const controller = new AbortController();
    state.controller = controller;
    state.started = performance.now();
    document.body.classList.add('busy');
    status('Running ' + state.runs + ' runs…', 0);
    // The studio readies the sliders' next steps while the room looks.
    const body = request({ film: state.scenario.film, ready_next: true });
    // What this run's lines stand for, for the legend when it comes back.
    const asked = { values: Object.assign({}, state.values), before: body.before };
    let response;
    try {
      response = await fetch('/api/run', {
        method: 'POST', signal: controller.signal,
        headers: { 'content-type': 'application/json', accept: 'application/x-ndjson' },
        body: JSON.stringify(body),
      });
      if (!response.ok) {
        const answer = await response.json().catch(() => ({ error: response.statusText }));
        refused(answer);
        return;
      }
      const reader = response.body.getReader(), decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, end); buffer = buffer.slice(end + 1);
          if (line.trim()) message(JSON.parse(line), controller, asked);
        }
      }
    } catch (e) {
      if (e.name === 'AbortError') return; // superseded by a newer change
      status('The studio could not be reached', 0);
      problem(String(e));
    } finally {
      if (state.controller === controller) {
        state.controller = null;
        document.body.classList.remove('busy');
      }
    }
  }

  function message(m, controller, asked) {
    if (state.controller !== controller) return;
    if ('progress' in m) {
      if (state.resultFor === controller) {
        status(state.ran + ' · filming the network… ' + Math.round(m.progress * 100) + '%', m.progress);
        return;
      }
      status((m.waiting ? 'Waiting for the studio… ' : 'Running ' + state.runs + ' runs… ') + Math.round(m.progress * 100) + '%', m.progress);
    } else if (m.result) {
      problem('');
      document.querySelectorAll('.control.wrong').forEach(d => d.classList.remove('wrong'));
      state.result = m.result;
      state.result.asked = asked;
      state.resultWhat = changes();
      const seconds = (performance.now() - state.started) / 1000;
      state.resultFor = controller;
      // Every run of every variant readied while the page was looked at
      // (or kept from before): say so, rather than "in 0.0 s".
      const readied = m.result.from_memory >= m.result.runs * m.result.variants.length;
      state.ran = m.result.runs + (readied ? ' runs, ready before you asked' : ' runs in ' + seconds.toFixed(1) + ' s');
      status(state.ran, 1);
      $('keep').disabled = false;
      document.querySelectorAll('.downloads button').forEach(b => { b.disabled = false; });
      draw();
    } else if (m.film) {
      state.film = m.film;
      status(state.ran, 1);
      showFilm();
      state.films = (state.films || 0) + 1;
      document.body.dataset.films = state.films;
    } else if (m.error) {
      refused(m);
    }
  }

  function refused(answer) {
    status('Not run', 0);
    problem(answer.error || 'The studio refused the run.');
    (answer.problems || []).forEach(p => {
      const div = document.querySelector('.control[data-path="' + CSS.escape(p.field) + '"]');
      if (div) div.classList.add('wrong');
    });
  }

  // --- drawing ---------------------------------------------------------------
  function draw() {
    const r = state.result, s = state.scenario;
    const legend = $('legend');
    legend.textContent = '';
    r.variants.forEach((v, k) => legend.appendChild(swatch(legendName(r, v), COLOURS[k % 6], DASHED[k % 6])));
    if (state.kept) legend.appendChild(swatch('kept (thin, dashed): ' + state.keptWhat, '#8a8a8a', true));
    findings(r);
    state.charts.forEach(c => c.destroy());
    state.charts = [];
    const box = $('charts');
    box.textContent = '';
    // Every figure is placed first, so each chart is sized to its cell.
    const plots = s.compare.map(m => {
      const fig = document.createElement('figure');
      fig.className = 'chart';
      fig.dataset.measure = m.name;
      fig.innerHTML = '<h3></h3><div class="plot"></div>';
      fig.querySelector('h3').textContent = m.total ? m.title + ' (total so far)' : m.title;
      box.appendChild(fig);
      return fig.querySelector('.plot');
    });
    s.compare.forEach((m, k) => state.charts.push(chart(plots[k], m, r, state.kept)));
    $('footer').textContent = r.runs + ' runs · seed ' + r.seed + ' · ' + s.file + ' · ' + changes() +
      ' · lines are the mean, bands the 5th to 95th percentile';
    state.draws += 1;
    document.body.dataset.draws = state.draws;
  }

  // A variant's name in the legend says what it ran with: its name alone
  // is the file's values, so a variant the sliders moved says so ("angry
  // tell 2-3 + an angry customer tells 10–15 people from week 1"), and one
  // that sets those values itself (in its own `set`) says it kept its own.
  // One whose event sets a value follows the slider outside the event.
  function legendName(r, v) {
    const s = state.scenario, asked = r.asked;
    if (!asked) return v.name;
    const moved = s.controls.filter(c => asked.values[c.path] !== c.value);
    if (!moved.length) return v.name;
    const own = (r.variant_set_wins || [])
      .filter(c => c.variant === v.name && c.by === OWN_SET).map(c => c.path);
    const meets = (a, b) => a === b || a.startsWith(b + '.') || b.startsWith(a + '.');
    const follows = moved.filter(c => !own.some(p => meets(p, c.path)));
    if (!follows.length) return v.name + ' (its own values)';
    const said = follows.map(c => c.label.toLowerCase() + ' ' + describe(c, asked.values[c.path])).join(', ');
    return v.name + ' + ' + said + (asked.before ? '' : ' from week 1');
  }

  function swatch(name, colour, dashed) {
    const span = document.createElement('span');
    span.innerHTML = '<i></i><b></b>';
    const i = span.querySelector('i');
    i.style.borderTopColor = colour;
    if (dashed) i.classList.add('dashed');
    span.querySelector('b').textContent = name;
    return span;
  }

  function findings(r) {
    const list = $('findings'), s = state.scenario;
    list.textContent = '';
    const unit = r.tick_unit, end = r.ticks;
    const first = s.compare[0] ? s.compare[0].name : 'nps';
    r.variants.slice(1).forEach(v => {
      // Each what-if against what it is compared with (its own world, or
      // the baseline), its range said in words, not brackets.
      const d = v.difference_from_reference || v.difference_from_baseline || {};
      const reference = v.reference || r.variants[0].name;
      const parts = s.compare.filter(m => d[m.name] && d[m.name].mean !== null).map(m => {
        const b = d[m.name], dp = m.name === 'nps' || Math.abs(b.mean) >= 10 ? 0 : 2;
        return m.short + ' ' + signed(b.mean, dp) + ' (between ' + signed(b.p05, dp) + ' and ' + signed(b.p95, dp) + ' in 9 runs of 10)';
      });
      if (!parts.length && !d[first]) return;
      const li = document.createElement('li');
      li.textContent = 'After ' + end + ' ' + unit + 's, ' + v.name + ' against ' + reference + ': ' + parts.join('; ');
      list.appendChild(li);
    });
    // A what-if that sets a slider's value itself keeps its own: always,
    // where its own `set` does; while the event lasts, where an event does
    // (one note for the versions whose events say the same).
    const notes = {};
    (r.variant_set_wins || []).forEach(c => {
      const control = s.controls.find(x => x.path === c.path || c.path.startsWith(x.path + '.'));
      const label = control ? control.label.toLowerCase() : c.path;
      const event = /^its event `(.*)`, (.*)$/.exec(c.by);
      const key = event ? 'event\u0000' + event[1] + '\u0000' + event[2] : 'own\u0000' + c.variant;
      const note = (notes[key] = notes[key] || { variants: [], event, labels: [] });
      if (!note.variants.includes(c.variant)) note.variants.push(c.variant);
      if (!note.labels.includes(label)) note.labels.push(label);
    });
    Object.values(notes).forEach(({ variants, event, labels }) => {
      const li = document.createElement('li');
      li.className = 'note';
      const values = '“' + labels.join('”, “') + '”';
      if (!event) {
        li.textContent = variants[0] + ' sets ' + values + ' itself: the slider moves the others, and this what-if keeps its own value (it still starts from the baseline’s town).';
      } else {
        const who = variants.length === r.variants.length && variants.length > 1 ? 'Every version keeps'
          : variants.length > 1 ? variants.slice(0, -1).join(', ') + ' and ' + variants[variants.length - 1] + ' keep'
          : variants[0] + ' keeps';
        const when = event[2].replace(/(\d)-(\d)/, '$1–$2');
        li.textContent = who + ' its own ' + values + ' while the event “' + event[1] + '” lasts (' + when + '); the slider sets it the rest of the time.';
      }
      list.appendChild(li);
    });
  }

  function chart(el, m, r, kept) {
    const n = r.ticks + 1, xs = Array.from({ length: n }, (_, t) => t);
    const series = [{ label: r.tick_unit }], data = [xs], bands = [];
    const add = (result, alpha, keptStyle) => {
      result.variants.forEach((v, k) => {
        const s = m.total ? (v.totals || {})[m.name] : v.series[m.name];
        if (!s) return;
        const colour = COLOURS[k % 6];
        const first = series.length;
        series.push({ label: v.name + ' p95', stroke: 'transparent', width: 0, points: { show: false } });
        series.push({ label: v.name + ' p05', stroke: 'transparent', width: 0, points: { show: false } });
        series.push({
          label: (keptStyle ? 'kept ' : '') + v.name,
          stroke: keptStyle ? hexAlpha(colour, 0.55) : colour, width: keptStyle ? 2 : (k === 0 ? 4 : 3),
          dash: keptStyle || DASHED[k % 6] ? [10, 6] : undefined,
          points: { show: false },
        });
        data.push(s.p95, s.p05, s.mean);
        bands.push({ series: [first, first + 1], fill: hexAlpha(colour, alpha) });
      });
    };
    if (kept) add(kept, 0.07, true);
    add(r, 0.16, false);
    const width = Math.max(260, el.clientWidth || 400);
    // One scale rule with the PNG charts: a fixed scale where the
    // measure has one, else from zero (or below it) to the data, with room.
    const fitted = (u, lo, hi) => {
      const top = Math.max(0, hi), bottom = Math.min(0, lo), span = top - bottom;
      return span > 0 ? [bottom < 0 ? bottom - span * 0.08 : 0, top + span * 0.08] : [0, 1];
    };
    const range = m.min !== null ? [m.min, m.max] : null;
    const opts = {
      width, height: Math.round(Math.min(projector() ? 420 : 340, Math.max(200, width * 0.62))),
      legend: { show: false }, cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false }, y: { range: range ? () => range : fitted } },
      axes: [
        { label: r.tick_unit, font: font(), labelFont: font(), size: px(50), labelSize: px(24) },
        { font: font(), size: px(64), values: axisLabels },
      ],
      series, bands,
      // Room above the plot for the events' names.
      padding: [eventLanes(r) ? eventLanes(r) * laneHeight() + 4 : null, null, null, null],
      plugins: [eventWindows(r)],
    };
    return new uPlot(opts, data, el);
  }

  // --- projector mode and event windows ------------------------------------
  // Projector mode (the button, or ?projector in the address) sets chart
  // text at 22 px, page text larger and film panels at least 320 px wide,
  // for a 1280 x 720 projector at the back of a room.
  const projector = () => document.body.classList.contains('projector');
  const px = n => Math.round(n * (projector() ? 1.45 : 1));
  const textSize = () => (projector() ? 22 : 15);
  const font = () => textSize() + 'px system-ui, sans-serif';

  // The events as the PNG charts draw them: each name in a lane of its own
  // above the plot (where no line can run over it), with a bar over its
  // window, in the colour of the variant it belongs to, or grey when every
  // variant has it; an event every variant has is also shaded, each window
  // once (a what-if's own event is not: shading says what all the lines
  // live through, and two shades would blend into a colour nobody named).
  const LANES = 3;
  const laneHeight = () => Math.round(textSize() * 1.5);
  const eventLanes = r => Math.min(LANES, (r.events || []).length);
  function eventWindows(r) {
    const events = r.events || [], all = r.variants.length;
    const shared = e => e.variants.length === all;
    const colour = e => shared(e) ? '#828282' : COLOURS[e.variants[0] % 6];
    return {
      hooks: {
        drawAxes: [u => {
          const ctx = u.ctx, top = u.bbox.top, height = u.bbox.height;
          // The canvas counts device pixels.
          const dpr = devicePixelRatio, size = textSize() * dpr;
          const lane = laneHeight() * dpr, lanes = eventLanes(r);
          const left = u.bbox.left, right = left + u.bbox.width;
          const shaded = new Set(), names = [];
          ctx.save();
          ctx.font = size + 'px system-ui, sans-serif';
          ctx.textBaseline = 'bottom';
          ctx.textAlign = 'left';
          events.forEach((e, k) => {
            // The window as far as the plot shows it.
            const x0 = Math.max(left, u.valToPos(e.from, 'x', true));
            const x1 = Math.min(right, u.valToPos(e.to, 'x', true));
            if (x0 > right || x1 < left) return;
            // The shortest bar 10 px, as on the PNG charts (`layout::MIN_BAR`).
            const width = Math.max(10 * dpr, x1 - x0);
            if (shared(e) && !shaded.has(e.from + '-' + e.to)) {
              shaded.add(e.from + '-' + e.to);
              ctx.fillStyle = hexAlpha(colour(e), 0.16);
              ctx.fillRect(x0, top, width, height);
            }
            const bottom = top - (lanes - 1 - k % LANES) * lane;
            ctx.fillStyle = colour(e);
            ctx.fillRect(x0, bottom - 4 * dpr, width, 3 * dpr);
            // A name starts at its window unless that would run it past
            // the plot's right edge (an event in the last weeks), as on the
            // PNG charts.
            const w = ctx.measureText(e.name).width;
            const x = Math.max(left, Math.min(x0, right - w));
            ctx.fillText(e.name, x, bottom - 6 * dpr);
            names.push({ name: e.name, x: x, width: w, left: left, right: right });
          });
          ctx.restore();
          u.eventNames = names; // where each name went, for the browser test
        }],
      },
    };
  }

  function hexAlpha(hex, alpha) {
    const v = parseInt(hex.slice(1), 16);
    return 'rgba(' + (v >> 16 & 255) + ',' + (v >> 8 & 255) + ',' + (v & 255) + ',' + alpha + ')';
  }

  // --- keeping a run, downloads ------------------------------------------
  function showKept() {
    $('forget').hidden = !state.kept;
    const p = $('kept');
    p.hidden = !state.kept;
    p.textContent = state.kept ? 'Drawn thin and dashed behind, in each variant’s colour: the kept run (' + state.keptWhat + ').' : '';
  }

  async function download(file) {
    status('Preparing ' + file + '…', null);
    const response = await fetch('/api/download/' + file, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request({ film: undefined })),
    });
    if (!response.ok) {
      refused(await response.json().catch(() => ({ error: response.statusText })));
      return;
    }
    const blob = await response.blob();
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = state.scenario.name + '-' + file;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    status('Downloaded ' + a.download, 1);
  }

  // --- the network ---------------------------------------------------------
  function showFilm() {
    const f = state.film, box = $('network');
    const tick = state.player ? +$('tick').value : 0;
    if (state.player) state.player.stop();
    box.innerHTML = '<h2></h2><div class="controls"><button type="button" id="play" aria-label="Play">Play</button>' +
      '<input type="range" id="tick" min="0" value="0" aria-label="' + f.unit + '"><output id="when"></output></div>' +
      '<div class="reels"></div><p class="legend"></p><p class="note"></p>';
    box.querySelector('h2').textContent = 'The grapevine, ' + f.unit + ' by ' + f.unit;
    const reels = box.querySelector('.reels');
    f.reels.forEach((r, k) => {
      const fig = document.createElement('figure');
      fig.innerHTML = '<figcaption><strong></strong> <span id="told' + k + '"></span></figcaption><canvas id="reel' + k + '" role="img"></canvas>';
      fig.querySelector('strong').textContent = r.name;
      fig.querySelector('canvas').setAttribute('aria-label', 'The network in ' + r.name);
      reels.appendChild(fig);
    });
    box.querySelector('.legend').innerHTML = '<span>against</span><span class="ramp" style="background:linear-gradient(to right,' +
      f.colours.join(',') + ')"></span><span>for</span>' +
      '<span><i class="ring" style="border-color:' + f.good + '"></i>told good</span>' +
      '<span><i class="ring" style="border-color:' + f.bad + '"></i>told bad</span>' +
      '<span><i class="ring thin"></i>heard</span>';
    box.querySelector('.note').textContent = f.shown + ' The first run of each variant.';
    $('tick').value = tick;
    state.player = grapevinePlayer(f, $);
  }

  // --- wiring ----------------------------------------------------------------
  function setProjector(on) {
    document.body.classList.toggle('projector', on);
    $('projector').setAttribute('aria-pressed', on ? 'true' : 'false');
    if (state.result) draw();
  }

  async function start() {
    if (new URLSearchParams(location.search).has('projector')) setProjector(true);
    try {
      const answer = await (await fetch('/api/scenarios')).json();
      state.list = answer.scenarios;
    } catch (e) {
      status('The studio could not be reached', 0);
      problem(String(e));
      return;
    }
    const select = $('scenario');
    state.list.forEach(s => {
      const o = document.createElement('option');
      o.value = s.name; o.textContent = s.title;
      select.appendChild(o);
    });
    select.addEventListener('change', () => pick(select.value));
    // Enter in a field must not submit (reload) the page; the page's policy
    // allows no inline handler, so it is said here.
    $('controls').addEventListener('submit', ev => ev.preventDefault());
    $('before').addEventListener('change', schedule);
    $('runs').addEventListener('change', () => {
      const n = Math.round(+$('runs').value);
      if (n >= 1 && n <= 200) { state.runs = n; schedule(); } else { $('runs').value = state.runs; }
    });
    $('keep').addEventListener('click', () => {
      if (!state.result) return;
      state.kept = state.result; state.keptWhat = state.resultWhat;
      showKept(); draw();
    });
    $('forget').addEventListener('click', () => { state.kept = null; showKept(); draw(); });
    $('projector').addEventListener('click', () => setProjector(!projector()));
    $('reset').addEventListener('click', () => {
      const kept = state.kept, what = state.keptWhat;
      pick(state.scenario.name);
      state.kept = kept; state.keptWhat = what; showKept();
    });
    document.querySelectorAll('.downloads button').forEach(b => b.addEventListener('click', () => download(b.dataset.file)));
    let resizing;
    window.addEventListener('resize', () => { clearTimeout(resizing); resizing = setTimeout(() => state.result && draw(), 150); });
    pick(decodeURIComponent(location.hash.slice(1)));
  }
  start();
})();
