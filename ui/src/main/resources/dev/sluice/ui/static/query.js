"use strict";
/* A query's page: live charts of its batches (uPlot), its recent batches and its plan, polled every second. */
const queryId = new URLSearchParams(location.search).get("id");
const HISTORY = 720;
const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"];
const batches = [];
let lastBatchId = -1;
let planShown = false;

function mapOfLag(b) {
  const out = {};
  const tables = Object.keys(b.lag || {});
  for (const table of tables) {
    for (const [partition, n] of Object.entries(b.lag[table])) out[tables.length > 1 ? table + ": " + partition : partition] = n;
  }
  return out;
}

function perOperator(b, field) {
  const out = {};
  for (const op of b.stateOperators || []) out[op.operator] = op[field];
  return out;
}

const timeValue = v => v == null ? "-" : fmt.time(v * 1000);

/* What each chart plots: a function from a batch to its series' values, by series name. */
const CHARTS = [
  { key: "rates", title: "Input rate and processing rate (rows/s)",
    values: b => ({ "input rows/s": b.inputRowsPerSecond, "processed rows/s": b.processedRowsPerSecond }) },
  { key: "duration", title: "Batch duration and its phases (ms)",
    values: b => Object.assign({ "processing time": b.processingTimeMillis }, b.durationMillis) },
  { key: "delay", title: "Scheduling delay and total delay (ms)",
    values: b => ({ "scheduling delay": b.schedulingDelayMillis, "total delay": b.totalDelayMillis }) },
  { key: "batchSize", title: "Input rows per batch", bars: true,
    values: b => ({ "input rows": b.inputRows }) },
  { key: "lag", title: "Consumer lag per partition (records)", values: mapOfLag },
  { key: "watermark", title: "Watermark vs wall clock", format: timeValue,
    values: b => ({ "wall clock (batch start)": b.timestampMillis / 1000,
                    "watermark": b.watermarkMillis == null ? null : b.watermarkMillis / 1000 }) },
  { key: "stateRows", title: "State rows per stateful operator", values: b => perOperator(b, "stateRows") },
  { key: "stateBytes", title: "State bytes per stateful operator", format: v => v == null ? "-" : fmt.bytes(v),
    values: b => perOperator(b, "stateBytes") },
  { key: "badRows", title: "Late and malformed rows per batch", bars: true,
    values: b => ({ "late rows": b.lateRows, "malformed rows": b.malformedRows }) },
];

window.sluiceCharts = {};
const charts = CHARTS.map(def => {
  const box = el("div", { class: "chart", "data-chart": def.key, "data-points": "0" }, el("h3", {}, def.title));
  const body = el("div", {}, el("div", { class: "empty" }, "no batch yet"));
  box.append(body);
  document.getElementById("charts").append(box);
  return { def, box, body, plot: null, labels: [] };
});

function draw(chart) {
  const def = chart.def;
  const labels = [];
  const rows = batches.map(b => def.values(b));
  for (const r of rows) for (const k of Object.keys(r)) if (!labels.includes(k)) labels.push(k);
  const data = [batches.map(b => b.timestampMillis / 1000)];
  for (const l of labels) data.push(rows.map(r => r[l] == null ? null : r[l]));
  if (chart.plot && chart.labels.join("\u0000") !== labels.join("\u0000")) {
    chart.plot.destroy();
    chart.plot = null;
  }
  if (!chart.plot) {
    if (labels.length === 0) return;
    chart.body.replaceChildren();
    chart.labels = labels;
    const width = Math.max(300, chart.box.clientWidth - 16);
    const value = def.format ? (u, v) => def.format(v) : (u, v) => v == null ? "-" : fmt.rate(v);
    chart.plot = new uPlot({
      width, height: 200,
      // Counts, rates and durations from zero; times (the watermark chart) around their values.
      scales: { x: { time: true }, y: def.format === timeValue ? {} : { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      series: [{ label: "time", value: (u, v) => v == null ? "-" : fmt.time(v * 1000) }].concat(labels.map((l, i) => ({
        label: l, stroke: COLORS[i % COLORS.length], width: 1.5, value,
        fill: def.bars ? COLORS[i % COLORS.length] + "55" : undefined,
        // Steps, not bars: batches are not evenly spaced in time (a long batch delays the next).
        paths: def.bars ? uPlot.paths.stepped({ align: 1 }) : undefined,
        points: { show: batches.length < 60 },
      }))),
      axes: [{}, { size: 70, values: def.format ? (u, vals) => vals.map(v => def.format(v)) : undefined }],
    }, data, chart.body);
    window.sluiceCharts[def.key] = chart.plot;
  } else {
    chart.plot.setData(data);
  }
  chart.box.dataset.points = String(data[0].length);
}

function showFacts(q) {
  document.title = "Sluice: " + q.name;
  document.getElementById("title").textContent = q.name;
  document.getElementById("json").href = "/api/queries/" + encodeURIComponent(q.id) + "/progress";
  const fact = (name, value) => el("span", {}, el("b", {}, name + ": "), value);
  const facts = document.getElementById("facts");
  const items = [
    fact("name", q.name), fact("id", q.id),
    el("span", {}, el("span", { class: "state " + q.state, id: "state" }, q.state), " ", el("span", { class: "muted", id: "status" }, q.status)),
    fact("trigger", q.trigger), fact("output mode", q.outputMode), fact("started", new Date(q.startedAt).toLocaleString("en-GB")),
    fact("batches", fmt.int(q.batches)), fact("rows in", fmt.int(q.inputRows)), fact("rows out", fmt.int(q.outputRows)),
    fact("late", fmt.int(q.lateRows)), fact("malformed", fmt.int(q.malformedRows)),
  ];
  if (q.state === "RUNNING") items.push(el("button", { class: "stop", onclick: () => stopQuery(q.id, q.name) }, "stop"));
  items.push(el("div", { class: "sql", style: "flex-basis:100%" }, el("b", {}, "statement: "), el("code", {}, q.statement)));
  if (q.error) items.push(el("div", { class: "error", style: "flex-basis:100%" }, q.error));
  facts.replaceChildren(...items);
}

function tree(nodes) {
  return el("ul", { class: "tree" }, ...nodes.map(n => {
    const li = el("li", {}, el("span", { class: "op" }, n.label));
    if (n.children.length) li.append(tree(n.children));
    return li;
  }));
}

function showPlan(plan) {
  const box = document.getElementById("plan");
  box.replaceChildren(...plan.sections.map(s => el("div", { class: "plan-section" }, el("h3", {}, s.title), tree(s.roots))));
}

function showBatches() {
  const recent = batches.slice(-20).reverse();
  document.querySelector("#batches tbody").replaceChildren(...recent.map(b => el("tr", {},
    el("td", { class: "num" }, b.batchId), el("td", {}, fmt.time(b.timestampMillis)),
    el("td", { class: "num" }, fmt.int(b.inputRows)), el("td", { class: "num" }, fmt.int(b.outputRows)),
    el("td", { class: "num" }, fmt.rate(b.inputRowsPerSecond)), el("td", { class: "num" }, fmt.rate(b.processedRowsPerSecond)),
    el("td", { class: "num" }, fmt.int(b.processingTimeMillis)), el("td", { class: "num" }, fmt.int(b.schedulingDelayMillis)),
    el("td", { class: "num" }, fmt.int(b.totalLag)), el("td", { class: "num" }, fmt.int(b.lateRows)),
    el("td", { class: "num" }, fmt.int(b.malformedRows)), el("td", { class: "num" }, fmt.int(b.stateRows)),
    el("td", { class: "num" }, b.rateLimit < 0 ? "" : fmt.rate(b.rateLimit)),
    el("td", {}, b.watermarkMillis == null ? "" : fmt.time(b.watermarkMillis)))));
}

async function refresh() {
  try {
    const q = await getJson("/api/queries/" + encodeURIComponent(queryId));
    showFacts(q);
    if (!planShown) { showPlan(q.plan); planShown = true; }
    const progress = await getJson("/api/queries/" + encodeURIComponent(queryId) + "/progress?after=" + lastBatchId);
    if (progress.batches.length) {
      batches.push(...progress.batches);
      batches.splice(0, Math.max(0, batches.length - HISTORY));
      lastBatchId = batches[batches.length - 1].batchId;
      charts.forEach(draw);
      showBatches();
    }
  } catch (e) {
    document.getElementById("title").textContent = String(e.message);
  }
}
refresh();
setInterval(refresh, 1000);
