() => { const e = document.activeElement; if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const ring = (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== "none";
  return {tag: e.tagName.toLowerCase(), cls: e.className || "", text: (e.textContent || e.name || "").trim().slice(0, 30), ring}; }
