// The network player, shared by report.html (inline, offline) and the
// studio (served as /player.js): see src/output/player.rs.
function grapevinePlayer(f, $) {
  const n = f.n, frames = f.reels.map(r => {
    const s = atob(r.frames), b = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
    return b;
  });
  const last = frames[0].length / n - 1;
  const slider = $('tick'), when = $('when');
  const button = $('play');
  const canvases = f.reels.map((_, k) => $('reel' + k));
  function draw(t) {
    canvases.forEach((c, k) => {
      const ratio = window.devicePixelRatio || 1, w = c.clientWidth;
      if (c.width !== Math.round(w * ratio)) { c.width = Math.round(w * ratio); c.height = Math.round(w * ratio); }
      const g = c.getContext('2d'), side = c.width, s = side / 1000;
      const base = Math.max(1.5, Math.min(10, 0.28 * side / Math.sqrt(n)));
      const at = i => frames[k][t * n + i];
      g.clearRect(0, 0, side, side);
      g.lineWidth = Math.max(1, ratio * 0.8); g.strokeStyle = '#dedede'; g.beginPath();
      for (let e = 0; e < f.edges.length; e += 2) {
        const a = f.edges[e], b = f.edges[e + 1];
        g.moveTo(f.pos[2 * a] * s, f.pos[2 * a + 1] * s); g.lineTo(f.pos[2 * b] * s, f.pos[2 * b + 1] * s);
      }
      g.stroke();
      [[1, f.good], [2, f.bad]].forEach(([kind, colour]) => {
        g.lineWidth = 2 * ratio; g.strokeStyle = colour; g.beginPath();
        for (let e = 0; e < f.edges.length; e += 2) {
          const a = f.edges[e], b = f.edges[e + 1], x = at(a), y = at(b);
          const lit = ((x >> 4) & kind && (y >> 6) & kind) || ((y >> 4) & kind && (x >> 6) & kind);
          if (lit) { g.moveTo(f.pos[2 * a] * s, f.pos[2 * a + 1] * s); g.lineTo(f.pos[2 * b] * s, f.pos[2 * b + 1] * s); }
        }
        g.stroke();
      });
      for (let i = 0; i < n; i++) {
        const v = at(i), r = base * f.size[i];
        g.fillStyle = f.colours[v & 15]; g.beginPath();
        g.arc(f.pos[2 * i] * s, f.pos[2 * i + 1] * s, r, 0, 2 * Math.PI); g.fill();
        const told = (v >> 4) & 3, heard = (v >> 6) & 3, ring = told || heard;
        if (ring) {
          g.lineWidth = (told ? 2 : 1) * ratio; g.strokeStyle = ring & 2 ? f.bad : f.good; g.beginPath();
          g.arc(f.pos[2 * i] * s, f.pos[2 * i + 1] * s, r + (told ? 3 : 2) * ratio, 0, 2 * Math.PI); g.stroke();
        }
      }
      const told = f.reels[k].told[t];
      $('told' + k).textContent = 'told so far: ' + told[0] + ' good, ' + told[1] + ' bad';
    });
    when.textContent = f.unit + ' ' + t;
  }
  let timer = null;
  function stop() { clearInterval(timer); timer = null; button.textContent = 'Play'; button.setAttribute('aria-label', 'Play'); }
  function play() {
    if (timer) { stop(); return; }
    if (+slider.value >= last) slider.value = 0;
    button.textContent = 'Pause'; button.setAttribute('aria-label', 'Pause');
    timer = setInterval(() => {
      if (+slider.value >= last) { stop(); return; }
      slider.value = +slider.value + 1; draw(+slider.value);
    }, 250);
  }
  const seek = () => { if (timer) stop(); draw(+slider.value); };
  const redraw = () => draw(+slider.value);
  button.addEventListener('click', play);
  slider.addEventListener('input', seek);
  window.addEventListener('resize', redraw);
  slider.max = last;
  if (+slider.value > last) slider.value = last;
  draw(+slider.value);
  return {
    stop() {
      stop();
      button.removeEventListener('click', play);
      slider.removeEventListener('input', seek);
      window.removeEventListener('resize', redraw);
    },
    play,
  };
}
