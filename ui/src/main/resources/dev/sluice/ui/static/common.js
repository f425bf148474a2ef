"use strict";
/* Shared by the pages: number formats and element building. */
const fmt = {
  int(v) { return v == null ? "" : Math.round(v).toLocaleString("en-US"); },
  rate(v) { return v == null ? "" : (v >= 100 ? Math.round(v) : Math.round(v * 10) / 10).toLocaleString("en-US"); },
  bytes(v) {
    if (v == null) return "";
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let i = 0;
    while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return (i === 0 ? v : v.toFixed(1)) + " " + units[i];
  },
  time(ms) { return ms == null ? "" : new Date(ms).toLocaleTimeString("en-GB", { hour12: false }); },
};

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else if (k.startsWith("on")) e.addEventListener(k.substring(2), v); else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? "" : String(c)));
  return e;
}

async function getJson(url) {
  const r = await fetch(url, { cache: "no-store" });
  if (!r.ok) throw new Error(url + ": HTTP " + r.status);
  return r.json();
}

async function stopQuery(id, name) {
  if (!confirm("Stop query " + name + "? (as STOP QUERY " + name + ": its running batch commits first)")) return;
  const r = await fetch("/api/queries/" + encodeURIComponent(id) + "/stop", { method: "POST" });
  if (!r.ok) alert((await r.json()).error || ("HTTP " + r.status));
}
