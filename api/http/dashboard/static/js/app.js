// The dashboard: sign in, then one region and coverage year at a time, drilled down by click.
// State lives in the address's fragment (#region=…&year=…&asOf=…), so a view can be bookmarked
// and the back button steps back up; the fragment never reaches the server.
import { ApiError, documentText, download, gql, redeem, token } from "./api.js";
import * as charts from "./charts.js";
import { DEPARTMENTS, LEVELS, ROLES, day, int, money, rate } from "./format.js";
import { element, replace, table } from "./tables.js";

const $ = (id) => document.getElementById(id);
const state = { viewer: null, region: null, year: null, asOf: "", years: [], loaded: 0 };
const LOW_RATE = 0.9; // rates below this are marked in the tables

// ------------------------------------------------------------------ sign-in

async function start() {
  const params = new URLSearchParams(location.hash.slice(1));
  const code = params.get("login");
  if (code) {
    // Strip the one-time code from the address bar and history before anything else.
    params.delete("login");
    history.replaceState(null, "", `${location.pathname}${params.toString() ? `#${params}` : ""}`);
    try {
      token.set(await redeem(code));
    } catch (error) {
      return showSignIn(error.message);
    }
  }
  if (!token.get()) return showSignIn("");
  let viewer;
  try {
    viewer = (await gql("{ viewer { name role department region { code name level parentCode } } }")).viewer;
  } catch (error) {
    viewer = null;
  }
  if (!viewer || !viewer.region) {
    token.clear();
    return showSignIn("令牌无效或已过期，请重新登录。");
  }
  state.viewer = viewer;
  $("who-name").textContent = `${viewer.name} · ${ROLES[viewer.role] || viewer.role} · ${viewer.region.name}`;
  $("who").hidden = false;
  $("sign-in").hidden = true;
  $("board").hidden = false;
  await loadYears();
  window.addEventListener("hashchange", () => show());
  await show();
}

function showSignIn(message) {
  $("board").hidden = true;
  $("who").hidden = true;
  $("sign-in").hidden = false;
  $("sign-in-error").textContent = message;
  document.body.dataset.ready = "sign-in";
}

$("sign-in-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const value = $("token").value.trim();
  if (!value) return;
  token.set(value);
  $("token").value = "";
  await start();
});

$("sign-out").addEventListener("click", () => {
  token.clear();
  location.hash = "";
  location.reload();
});

// ------------------------------------------------------------------ navigation

async function loadYears() {
  const data = await gql("query($r: String!) { all: policies { coverageYear } here: policies(regionCode: $r) { coverageYear } }", {
    r: state.viewer.region.code,
  });
  const years = [...new Set(data.all.map((p) => p.coverageYear))].sort((a, b) => b - a);
  const here = data.here.map((p) => p.coverageYear).sort((a, b) => b - a);
  state.years = years;
  state.defaultYear = here[0] || years[0] || new Date().getFullYear();
  replace($("year"), ...years.map((y) => element("option", { value: y, text: `${y}年度` })));
}

function route() {
  const params = new URLSearchParams(location.hash.slice(1));
  return {
    region: params.get("region") || state.viewer.region.code,
    year: Number(params.get("year")) || state.defaultYear,
    asOf: params.get("asOf") || "",
  };
}

function go(changes) {
  const next = { ...route(), ...changes };
  const params = new URLSearchParams({ region: next.region, year: String(next.year) });
  if (next.asOf) params.set("asOf", next.asOf);
  location.hash = params.toString();
}

$("year").addEventListener("change", (e) => go({ year: Number(e.target.value) }));
$("as-of").addEventListener("change", (e) => go({ asOf: e.target.value }));
$("print").addEventListener("click", () => window.print());

// The crumbs run from the signed-in region down to the one shown; the region's parents come from
// the public region tree, and only down to the viewer's own region.
async function crumbs(code) {
  const data = await gql(
    "query($c: String!) { region(code: $c) { code name level parentCode parent { code name level parent { code name level parent { code name level parent { code name level } } } } } }",
    { c: code },
  );
  const chain = [];
  for (let r = data.region; r; r = r.parent) {
    chain.unshift(r);
    if (r.code === state.viewer.region.code) break;
  }
  if (!chain.length || chain[0].code !== state.viewer.region.code) return null; // not below the viewer
  return chain;
}

// ------------------------------------------------------------------ the view

async function show() {
  const { region, year, asOf } = route();
  const load = ++state.loaded;
  document.body.dataset.ready = "loading";
  setStatus("正在读取数据…");
  const chain = await crumbs(region).catch(() => null);
  if (!chain) return go({ region: state.viewer.region.code });
  state.region = chain[chain.length - 1];
  state.year = year;
  state.asOf = asOf;
  $("year").value = String(year);
  $("as-of").value = asOf;
  replace(
    $("crumbs"),
    ...chain.map((r, i) =>
      element(
        "li",
        {},
        i === chain.length - 1
          ? element("span", { "aria-current": "page", text: r.name })
          : element("a", { href: `#region=${r.code}&year=${year}${asOf ? `&asOf=${asOf}` : ""}`, text: r.name }),
      ),
    ),
  );
  let data;
  try {
    data = await gql(await documentText("overview"), { region, year, lastYear: year - 1, asOf: asOf || null });
  } catch (error) {
    return fail(error);
  }
  if (load !== state.loaded) return; // a newer view was asked for meanwhile
  const reports = data.reports;
  if (!reports.collectionProgress) return fail(new ApiError("该地区不在您的管辖范围", "NOT_FOUND"));
  bulletinTitle(reports.collectionProgress);
  showProgress(reports.collectionProgress);
  showDaily(reports.collectionDaily, reports.lastYear, data.policies.filter((p) => p.coverageYear === year));
  showHardship(reports.hardshipCoverage);
  showUnpaid(reports.unpaidHouseholdCounts);
  showRefunds(data.refundLedger || []);
  await Promise.all([hardshipList(false), unpaidList(false), reportList()]);
  if (load !== state.loaded) return;
  setStatus("");
  document.body.dataset.ready = "yes";
}

function fail(error) {
  setStatus(error.message, true);
  document.body.dataset.ready = "error";
  if (error.code === "FORBIDDEN" && /令牌/.test(error.message)) {
    token.clear();
    showSignIn("令牌无效或已过期，请重新登录。");
  }
}

function setStatus(message, isError = false) {
  $("status").textContent = message;
  $("status").classList.toggle("error", isError);
}

function asOfText() {
  return state.asOf ? day(state.asOf) : "今日";
}

function bulletinTitle(progress) {
  $("bulletin-title").textContent = `${progress.regionName}${state.year}年度城乡居民医保征缴进度通报`;
  $("bulletin-meta").textContent = `截至${asOfText()} · ${progress.citation}`;
}

function drill(code) {
  if (!code || code === state.region.code) return;
  go({ region: code });
}

function unitLink(row, codeKey = "unitCode", nameKey = "unitName") {
  if (row[codeKey] === state.region.code) return row[nameKey];
  return element("a", { href: `#region=${row[codeKey]}&year=${state.year}${state.asOf ? `&asOf=${state.asOf}` : ""}`, text: row[nameKey] });
}

// ------------------------------------------------------------------ progress

function showProgress(report) {
  $("progress-cite").textContent = `${report.title}（${report.citation}）· 截至${asOfText()}`;
  const total = report.rows.find((r) => r.unitCode === state.region.code);
  const units = report.rows.filter((r) => r.unitCode !== state.region.code);
  // The weekly ranking: by 完成率, units without a target last, then by 参保人数.
  const ranked = [...units].sort(
    (a, b) => (b.rate === null ? -1 : Number(b.rate)) - (a.rate === null ? -1 : Number(a.rate)) || b.paid - a.paid,
  );
  ranked.forEach((r, i) => (r.rank = r.rate === null ? null : i + 1));
  replace(
    $("kpis"),
    kpi("任务数", int(total && total.target)),
    kpi("参保人数", int(total && total.paid)),
    kpi("完成率", rate(total && total.rate)),
    kpi("登记未缴人数", int(total && total.registeredUnpaid)),
    kpi("征收金额（元）", money(total && total.amount)),
  );
  const chartBox = $("progress-chart");
  chartBox.style.height = `${Math.max(220, 26 * ranked.length + 70)}px`;
  if (ranked.length) {
    chartBox.hidden = false;
    charts.draw(chartBox, charts.progressOption(ranked), (p) => drill(p.data && p.data.code));
  } else {
    chartBox.hidden = true;
  }
  const heading = Object.fromEntries(report.columns.map((c) => [c.key, c.heading]));
  const columns = [
    { key: "rank", heading: "排名", kind: "INT" },
    { key: "unitName", heading: heading.unitName, cell: (r) => unitLink(r) },
    { key: "target", heading: heading.target, kind: "INT" },
    { key: "paid", heading: heading.paid, kind: "INT" },
    { key: "registeredUnpaid", heading: heading.registeredUnpaid, kind: "INT" },
    { key: "amount", heading: heading.amount, kind: "MONEY" },
    { key: "rate", heading: heading.rate, kind: "RATE" },
  ];
  const rows = total ? [...ranked, { ...total, rank: null }] : ranked;
  const wrap = [table({
    caption: `${report.regionName}各${LEVELS[childLevel()] || "单位"}征缴进度（按完成率排名）`,
    columns,
    rows,
    testid: "progress-table",
    rowClass: (r) => (r === rows[rows.length - 1] && total ? "total" : r.rate !== null && Number(r.rate) < LOW_RATE ? "low" : undefined),
  })];
  if (total && total.statedTarget !== null && total.targetDifference) {
    wrap.push(element("p", { class: "note", text: `${heading.statedTarget}：${int(total.statedTarget)}；${heading.targetDifference}：${int(total.targetDifference)}` }));
  }
  replace($("progress-table"), ...wrap);
}

function childLevel() {
  return { province: "city", city: "county", county: "township", township: "village" }[state.region.level];
}

function kpi(label, value) {
  return element("div", { class: "kpi" }, element("b", { text: value }), element("span", { text: label }));
}

// ------------------------------------------------------------------ over time

function showDaily(report, lastYear, policies) {
  $("daily-cite").textContent = `${report.title}（${report.citation}）`;
  // The windows that are deadlines: a year-long route for exceptions (newborns, life events) is not.
  const windows = [];
  for (const policy of policies) {
    for (const w of policy.windows) {
      const days = w.opens && w.closes ? (Date.parse(w.closes) - Date.parse(w.opens)) / 86_400_000 : 999;
      if (days <= 200 && !windows.some((x) => x.closes === w.closes)) windows.push(w);
    }
  }
  const rows = report.rows;
  const box = $("daily-chart");
  const previous = (lastYear && lastYear.rows) || [];
  if (rows.length || previous.length) {
    box.hidden = false;
    charts.draw(box, charts.dailyOption(rows, previous, windows));
  } else {
    box.hidden = true;
  }
  replace(
    $("daily-table"),
    table({
      caption: "每日缴费与累计征收",
      columns: [
        { key: "day", heading: "日期", kind: "DATE" },
        { key: "payments", heading: "缴费笔数", kind: "INT" },
        { key: "reversals", heading: "冲正笔数", kind: "INT" },
        { key: "amount", heading: "当日净收（元）", kind: "MONEY" },
        { key: "cumulativeReceipts", heading: "累计有效笔数", kind: "INT" },
        { key: "cumulativeAmount", heading: "累计征收（元）", kind: "MONEY" },
      ],
      rows: [...rows].reverse(),
      testid: "daily-table",
    }),
  );
  const deadlines = windows.map((w) => `${w.name} ${day(w.opens)}至${day(w.closes)}（${w.citation}）`).join("；");
  $("daily-note").textContent = [
    deadlines ? `缴费期限：${deadlines}` : "该地区本年度无统一政策，未标注缴费期限。",
    previous.length ? "虚线为上年同期累计。" : "无上年数据（上年数据导入后自动显示上年同期曲线）。",
  ].join(" ");
}

// ------------------------------------------------------------------ hardship groups

function showHardship(report) {
  $("hardship-cite").textContent = `${report.title}（${report.citation}）· 目标参保率 100%`;
  const rows = report.rows;
  const box = $("hardship-chart");
  box.hidden = !rows.length;
  if (rows.length) charts.draw(box, charts.hardshipOption(rows));
  replace(
    $("hardship-table"),
    rows.length
      ? table({
          caption: "各困难群体参保情况",
          columns: [
            { key: "categoryName", heading: "困难群体类别" },
            { key: "holders", heading: "应参保人数", kind: "INT" },
            { key: "paid", heading: "已参保人数", kind: "INT" },
            { key: "unpaid", heading: "未参保人数", kind: "INT" },
            { key: "registeredUnpaid", heading: "其中：登记未缴", kind: "INT" },
            { key: "rate", heading: "参保率", kind: "RATE" },
          ],
          rows,
          testid: "hardship-table",
          rowClass: (r) => (r.rate !== null && Number(r.rate) < 1 ? "low" : undefined),
        })
      : element("p", { class: "note", text: "本地区无困难群体身份记录。" }),
  );
}

// Lists by name load by themselves below the county (a township's or village's round), on request above.
async function personList({ container, field, title, columns, auto, empty }) {
  const box = $(container);
  const small = ["township", "village"].includes(state.region.level);
  if (!auto && !small) {
    replace(box, element("button", { type: "button", class: "link", text: `查看${title}`, onclick: () => personList({ container, field, title, columns, auto: true, empty }) }));
    return;
  }
  const keys = columns.map((c) => c.key).join(" ");
  const query = `query($r: String!, $y: Int!, $a: Date) { reports { ${field}(regionCode: $r, coverageYear: $y, asOf: $a) { title rows { ${keys} } } } }`;
  try {
    const report = (await gql(query, { r: state.region.code, y: state.year, a: state.asOf || null })).reports[field];
    const rows = report ? report.rows : [];
    replace(
      box,
      rows.length
        ? table({ caption: `${report.title}（${int(rows.length)}）`, columns, rows, testid: field })
        : element("p", { class: "note", text: empty }),
    );
  } catch (error) {
    // A role that may not read the list is told so; the counts above stay.
    replace(box, element("p", { class: "note", text: error.code === "FORBIDDEN" ? `您的角色无权查看${title}。` : error.message }));
  }
}

function hardshipList(auto) {
  return personList({
    container: "hardship-list",
    field: "hardshipUnpaidPersons",
    title: "未参保困难群众名单",
    auto,
    empty: "困难群体已全部参保。",
    columns: [
      { key: "regionName", heading: "户籍地" },
      { key: "name", heading: "姓名" },
      { key: "idNumber", heading: "身份证号码" },
      { key: "categoryNames", heading: "困难群体类别" },
      { key: "status", heading: "参保状态" },
    ],
  });
}

// ------------------------------------------------------------------ unpaid households

function showUnpaid(report) {
  $("unpaid-cite").textContent = `${report.title}（${report.citation}）`;
  const rows = report.rows;
  const box = $("unpaid-chart");
  box.hidden = !rows.length;
  if (rows.length) {
    box.style.height = `${Math.max(200, 24 * rows.length + 60)}px`;
    charts.draw(box, charts.unpaidOption(rows), (p) => drill(p.data && p.data.code));
  }
  replace(
    $("unpaid-table"),
    rows.length
      ? table({
          caption: "各单位未缴费户",
          columns: [
            { key: "unitName", heading: "单位", cell: (r) => unitLink(r) },
            { key: "households", heading: "户数", kind: "INT" },
            { key: "unpaidHouseholds", heading: "未缴费户数", kind: "INT" },
            { key: "unpaidPersons", heading: "未参保人数", kind: "INT" },
            { key: "registeredUnpaid", heading: "其中：登记未缴", kind: "INT" },
          ],
          rows,
          testid: "unpaid-table",
        })
      : element("p", { class: "note", text: "村（社区）一级：未缴费户见下方名单。" }),
  );
}

function unpaidList(auto) {
  return personList({
    container: "unpaid-list",
    field: "unpaidHouseholds",
    title: "未缴费户清单",
    auto,
    empty: "没有未缴费户。",
    columns: [
      { key: "village", heading: "村（社区）" },
      { key: "headName", heading: "户主" },
      { key: "headIdNumber", heading: "户主身份证号码" },
      { key: "paidMembers", heading: "已参保成员数", kind: "INT" },
      { key: "unpaidMembers", heading: "未参保成员数", kind: "INT" },
      { key: "unpaidNames", heading: "未参保成员" },
    ],
  });
}

// ------------------------------------------------------------------ refunds

function showRefunds(rows) {
  const byDepartment = new Map();
  for (const r of rows) {
    const name = DEPARTMENTS[r.department] || r.department || "相关单位";
    const d = byDepartment.get(name) || { name, owed: 0, paid: 0, outstanding: 0, pending: 0, toRecover: 0 };
    d.owed += Number(r.owed);
    d.paid += Number(r.paid);
    d.outstanding += Number(r.outstanding);
    d.pending += r.pendingCount;
    d.toRecover += Number(r.toRecover);
    byDepartment.set(name, d);
  }
  const departments = [...byDepartment.values()];
  const box = $("refunds-chart");
  box.hidden = !departments.length;
  if (departments.length) charts.draw(box, charts.refundsOption(departments.map((d) => ({ ...d, owed: d.owed.toFixed(2), paid: d.paid.toFixed(2), outstanding: d.outstanding.toFixed(2) }))));
  replace(
    $("refunds-table"),
    rows.length
      ? table({
          caption: "退费台账（按部门、乡镇）",
          columns: [
            { key: "department", heading: "退费部门", cell: (r) => DEPARTMENTS[r.department] || r.department || "相关单位" },
            { key: "townshipName", heading: "乡镇（街道）" },
            { key: "owed", heading: "应退（元）", kind: "MONEY" },
            { key: "paid", heading: "已退（元）", kind: "MONEY" },
            { key: "outstanding", heading: "待退（元）", kind: "MONEY" },
            { key: "pendingCount", heading: "待定金额笔数", kind: "INT" },
            { key: "toRecover", heading: "应追回（元）", kind: "MONEY" },
          ],
          rows,
          testid: "refunds-table",
        })
      : element("p", { class: "note", text: "本年度没有退费。" }),
  );
}

// ------------------------------------------------------------------ every report

async function reportList() {
  const catalog = (await gql("query($r: String!) { reportCatalog(regionCode: $r) { name field title citation applies columns { key heading kind } } }", { r: state.region.code })).reportCatalog || [];
  const items = catalog
    .filter((r) => r.applies)
    .map((report) => {
      const body = element("div", { class: "body" });
      const params = new URLSearchParams({ regionCode: state.region.code, coverageYear: String(state.year) });
      if (state.asOf) params.set("asOf", state.asOf);
      const save = (fmt) => () =>
        download(`/exports/reports/${report.name}.${fmt}?${params}`, `${report.title}.${fmt}`).catch((e) => setStatus(e.message, true));
      return element(
        "article",
        { class: "report", "data-report": report.name },
        element(
          "header",
          {},
          element("h3", { text: report.title }),
          element("span", { class: "cite", text: report.citation }),
          element("button", { type: "button", class: "link", text: "查看", onclick: () => showReport(report, body) }),
          element("button", { type: "button", class: "link", text: "下载 Excel", onclick: save("xlsx") }),
          element("button", { type: "button", class: "link", text: "下载 CSV", onclick: save("csv") }),
        ),
        body,
      );
    });
  replace($("report-list"), ...items);
}

async function showReport(report, body) {
  const keys = report.columns.map((c) => c.key).join(" ");
  const query = `query($r: String!, $y: Int!, $a: Date) { reports { ${report.field}(regionCode: $r, coverageYear: $y, asOf: $a) { columns { key heading } rows { ${keys} } } } }`;
  replace(body, element("p", { class: "note", text: "正在读取…" }));
  try {
    const result = (await gql(query, { r: state.region.code, y: state.year, a: state.asOf || null })).reports[report.field];
    if (!result) return replace(body, element("p", { class: "note", text: "无数据。" }));
    const headings = Object.fromEntries(result.columns.map((c) => [c.key, c.heading]));
    const columns = report.columns.map((c) => ({ ...c, heading: headings[c.key] || c.heading }));
    replace(body, result.rows.length ? table({ caption: report.title, columns, rows: result.rows, testid: `report-${report.name}` }) : element("p", { class: "note", text: "无数据。" }));
  } catch (error) {
    replace(body, element("p", { class: "error", text: error.message }));
  }
}

// ------------------------------------------------------------------ printing

// The bulletin prints on A4: print.css sizes the charts' boxes, and the charts redraw to fit them
// when the page turns to print media, and back after.
window.addEventListener("beforeprint", () => charts.resizeAll());
window.addEventListener("afterprint", () => charts.resizeAll());
window.matchMedia("print").addEventListener("change", () => charts.resizeAll());
window.addEventListener("resize", () => charts.resizeAll());

start();
