"use strict";
// The figures come as JSON data in the page (never as code) and every value goes in as text.
const FIGURES = JSON.parse(document.getElementById("figures").textContent);
// The texts in the reader's language, from the message catalogues: filled in as text, never as markup.
const M = JSON.parse(document.getElementById("messages").textContent);
const say = (key, values) => M[key].replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
// A unit or party by its registered Chinese name in Chinese (its English rendering otherwise).
const named = (english, chinese) => (M.lang === "zh" && chinese) ? chinese : english;
if (window.Chart) { Chart.defaults.animation = false; }
const pct = v => v === null || v === undefined ? "–" : (v * 100).toFixed(1) + "%";
const text = (id, v) => { document.getElementById(id).textContent = v; };
const cell = (row, v, num) => { const td = row.insertCell(); td.textContent = v === null || v === undefined ? "–" : v; if (num) td.className = "num"; };
const params = new URLSearchParams(location.search);
// The link to the other language keeps the date asked for.
const other = document.getElementById("other-language");
const otherParams = new URLSearchParams(params);
otherParams.set("lang", new URLSearchParams(other.getAttribute("href").split("?")[1]).get("lang"));
other.setAttribute("href", "/?" + otherParams.toString());
// "on": the reform as it stood on that date; "recorded_by": only what had been typed in by then.
if (params.get("on")) { document.getElementById("on-input").value = params.get("on"); text("as-of", params.get("on")); }
if (params.get("recorded_by")) {
  document.getElementById("recorded-by-input").value = params.get("recorded_by");
  text("as-of", (params.get("on") || M.today) + say("as_recorded_by", { date: params.get("recorded_by") }));
}

const h = FIGURES.headline;
text("headline-share", pct(h.share_converted));
text("headline-converted", h.converted);
text("headline-identified", h.identified);
const el = (tag, textValue, className) => {
  const node = document.createElement(tag);
  node.textContent = textValue;
  if (className) node.className = className;
  return node;
};
const units = document.getElementById("headline-units");
const chineseNames = Object.fromEntries(FIGURES.pilots.units.map(u => [u.name, u.name_zh]));
for (const [name, share] of Object.entries(h.by_unit)) {
  units.appendChild(el("div", named(name, chineseNames[name]), "muted"));
  const value = el("div", pct(share), "unit-share");
  value.dataset.unitShare = name;
  units.appendChild(value);
}

const c = FIGURES.catalogue;
text("catalogue-versions", c.versions_in_force);
text("catalogue-items", c.items_in_force);
text("catalogue-revisions", [c.revisions.added, c.revisions.removed, c.revisions.reworded, c.revisions.moved].join(" / "));
text("catalogue-negative", c.negative_list_size);

const p = FIGURES.pilots;
const funnel = document.getElementById("funnel-table");
const staffing = document.getElementById("staffing-table");
for (const u of p.units) {
  const r = funnel.insertRow(); cell(r, named(u.name, u.name_zh)); cell(r, u.funnel.identified, 1); cell(r, u.funnel.converted, 1); cell(r, u.funnel.rejected, 1); cell(r, pct(u.funnel.share_converted), 1);
  const s = staffing.insertRow(); cell(s, named(u.name, u.name_zh)); cell(s, u.staffing_before, 1); cell(s, u.staffing_after, 1);
  cell(s, `${u.milestones.met} / ${u.milestones.missed} / ${u.milestones.overdue}`, 1); cell(s, u.mean_score, 1);
}

const t = FIGURES.conference;
text("tasks-on-time", pct(t.on_time_closure_rate));
text("tasks-extensions", t.extensions);
text("tasks-returns", t.returns);
// Task numbers need a token (shared/disclosure.py): an anonymous reader sees a count per lead unit.
function renderOverdue(conference) {
  const overdue = document.getElementById("overdue-list");
  overdue.replaceChildren();
  const numbers = conference.overdue_by_lead_unit;
  const late = Object.entries(numbers || conference.overdue_count_by_lead_unit);
  if (!late.length) { overdue.appendChild(el("p", M.no_overdue)); return; }
  overdue.appendChild(el("p", M.overdue));
  const list = document.createElement("ul");
  for (const [unit, value] of late) {
    list.appendChild(el("li", `${unit}: ${numbers ? value.join(", ") : say("tasks_count", { n: value })}`, "overdue"));
  }
  overdue.appendChild(list);
}
renderOverdue(t);

const b = FIGURES.purchases;
text("purchases-contracts", b.contracts); text("purchases-amount", b.contract_amount); text("purchases-budgeted", b.budgeted_amount);
text("purchases-executed", b.executed_amount); text("purchases-exceptions", b.term_exceptions);
text("purchases-announced", b.announced); text("purchases-unannounced", b.not_announced);
// An anonymous reader sees announced contracts only; a reader with a token sees every row.
function renderMinistry(rows, disclosure) {
  const ministry = document.getElementById("ministry-table");
  while (ministry.rows.length > 1) ministry.deleteRow(1);
  for (const r of rows) {
    const row = ministry.insertRow();
    const project = M.lang === "en" && r.project_en ? r.project_en : r.project;  // its English rendering
    [r.year, r.category, project, named(r.purchaser, r.purchaser_zh), named(r.undertaker, r.undertaker_zh), r.service_matter].forEach(v => cell(row, v));
    [r.budget, r.contract_amount, r.paid, r.final_accounts].forEach(v => cell(row, v, 1));
  }
  text("disclosure", disclosure === "full" ? M.full : M.public_only);
}
renderMinistry(FIGURES.ministry, FIGURES.disclosure);

// A reader's token is sent to /indicators only, by this script, and kept nowhere.
document.getElementById("reader").addEventListener("submit", async event => {
  event.preventDefault();
  const token = document.getElementById("reader-token").value.trim();
  const asked = new URLSearchParams();
  if (params.get("on")) asked.set("on", params.get("on"));
  if (params.get("recorded_by")) asked.set("recorded_by", params.get("recorded_by"));  // the server's day
  const query = asked.toString() ? "?" + asked.toString() : "";
  const reply = await fetch("/indicators" + query, { headers: { Authorization: "Bearer " + token, "Accept-Language": M.lang } });
  if (!reply.ok) { text("reader-status", say("not_accepted", { status: reply.status })); return; }
  const full = await reply.json();
  renderOverdue(full.conference);
  renderMinistry(full.ministry, full.disclosure);
  text("reader-status", M.read_with_token);
});

if (window.Chart) {
  const levels = Object.keys(c.items_by_level);
  new Chart(document.getElementById("chart-levels"), { type: "bar", data: { labels: levels.map(l => say("level", { level: l })),
    datasets: [{ label: M.items_in_force, data: levels.map(l => c.items_by_level[l]), backgroundColor: "#8b1a1a" }] } });
  new Chart(document.getElementById("chart-funnel"), { type: "bar", data: { labels: p.units.map(u => named(u.name, u.name_zh)), datasets: [
    { label: M.identified, data: p.units.map(u => u.funnel.identified), backgroundColor: "#c9a227" },
    { label: M.converted, data: p.units.map(u => u.funnel.converted), backgroundColor: "#2e7d32" },
    { label: M.rejected, data: p.units.map(u => u.funnel.rejected), backgroundColor: "#9e9e9e" }] } });
  if (p.units.some(u => u.purchase_budget !== undefined)) new Chart(document.getElementById("chart-budget"), { type: "bar", data: { labels: p.units.map(u => named(u.name, u.name_zh)), datasets: [
    { label: M.appropriation_before, data: p.units.map(u => Number(u.appropriation_before)), backgroundColor: "#607d8b" },
    { label: M.purchase_budget, data: p.units.map(u => Number(u.purchase_budget)), backgroundColor: "#8b1a1a" }] } });
  const leads = Object.keys(t.tasks_by_lead_unit);
  const statuses = ["assigned", "in_progress", "reported", "closed", "archived"];
  const colours = { assigned: "#c9a227", in_progress: "#1565c0", reported: "#6a1b9a", closed: "#2e7d32", archived: "#9e9e9e" };
  new Chart(document.getElementById("chart-tasks"), { type: "bar", options: { indexAxis: "y", scales: { x: { stacked: true }, y: { stacked: true } } },
    data: { labels: leads, datasets: statuses.map(s => ({ label: M["status." + s], data: leads.map(l => t.tasks_by_lead_unit[l][s] || 0), backgroundColor: colours[s] })) } });
}
