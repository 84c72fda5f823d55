() => {
  const problems = [];
  const visible = e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none"; };
  // labels
  for (const e of document.querySelectorAll("input, select, textarea")) {
    const type = (e.getAttribute("type") || "").toLowerCase();
    if (["hidden", "submit", "button", "reset"].includes(type)) continue;
    const named = (e.id && document.querySelector(`label[for="${CSS.escape(e.id)}"]`)) || e.closest("label")
      || e.getAttribute("aria-label") || e.getAttribute("aria-labelledby") || e.getAttribute("title");
    if (!named) problems.push(`label: <${e.tagName.toLowerCase()} name=${e.name}> has no label`);
  }
  // headings
  const hs = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].filter(visible);
  const h1 = hs.filter(h => h.tagName === "H1").length;
  if (h1 !== 1) problems.push(`headings: ${h1} h1 elements`);
  let level = 0;
  for (const h of hs) { const n = +h.tagName[1];
    if (level && n > level + 1) problems.push(`headings: h${level} then h${n} ("${h.textContent.trim().slice(0, 40)}")`);
    level = n; }
  // contrast
  const rgba = c => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
    const p = m[1].split(",").map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const lum = ([r, g, b]) => { const ch = v => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b); };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const backdrop = e => { for (let n = e; n && n.nodeType === 1; n = n.parentElement) {
      const c = rgba(getComputedStyle(n).backgroundColor); if (c && c[3] > 0.5) return c; }
    return [255, 255, 255, 1]; };
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    const e = t.parentElement;
    if (!t.textContent.trim() || !e || seen.has(e) || e.closest("svg, .visually-hidden, .skip") || !visible(e)) continue;
    seen.add(e);
    const s = getComputedStyle(e);
    const fg = rgba(s.color); if (!fg) continue;
    const size = parseFloat(s.fontSize), bold = +s.fontWeight >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    const r = ratio(fg, backdrop(e));
    if (r < need) problems.push(`contrast: ${r.toFixed(2)} < ${need} for "${t.textContent.trim().slice(0, 40)}"`);
  }
  return problems;
}
