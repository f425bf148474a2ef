"use strict";
/* The queries page: every query of the session, refreshed every two seconds. */
async function refresh() {
  let queries;
  try { queries = await getJson("/api/queries"); } catch (e) { return; }
  const body = document.querySelector("#queries tbody");
  body.replaceChildren(...queries.map(q => {
    const link = "/query.html?id=" + encodeURIComponent(q.id);
    const status = el("td", {}, el("span", { class: "state " + q.state }, q.state), " ", el("span", { class: "muted" }, q.status));
    if (q.error) status.append(el("div", { class: "error" }, q.error));
    const stop = q.state === "RUNNING"
      ? el("button", { class: "stop", "data-query": q.name, onclick: () => stopQuery(q.id, q.name).then(refresh) }, "stop")
      : "";
    return el("tr", { "data-query": q.name },
      el("td", {}, el("a", { href: link }, q.name)), el("td", { class: "muted" }, q.id), el("td", { class: "sql" }, q.statement),
      el("td", {}, q.trigger), el("td", {}, q.outputMode), status,
      el("td", { class: "num" }, fmt.int(q.batches)), el("td", { class: "num" }, fmt.int(q.inputRows)),
      el("td", { class: "num" }, fmt.int(q.outputRows)), el("td", { class: "num" }, fmt.rate(q.inputRowsPerSecond)),
      el("td", { class: "num" }, fmt.rate(q.processedRowsPerSecond)), el("td", { class: "num" }, fmt.int(q.lag)),
      el("td", {}, stop));
  }));
  document.getElementById("none").hidden = queries.length > 0;
}
refresh();
setInterval(refresh, 2000);
