// ECharts options for the five charts. SVG renderer: prints sharp on A4 and needs no canvas
// snapshot; tooltips in rich text (drawn in the SVG), not HTML, so nothing is set as innerHTML
// and the page's strict CSP (no inline styles) holds. Animation off: the bulletin prints as shown.
import { int, money, rate, shortDay } from "./format.js";

const charts = new Map();
const PALETTE = ["#1f6fb2", "#c7000b", "#2e7d32", "#b26a00", "#6a1b9a", "#00838f"];
const BASE = {
  animation: false,
  color: PALETTE,
  aria: { enabled: true },
  textStyle: { fontFamily: "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif" },
  tooltip: { renderMode: "richText", trigger: "axis", axisPointer: { type: "shadow" } },
};

export function draw(container, option, onClick) {
  let chart = charts.get(container.id);
  if (!chart) {
    chart = window.echarts.init(container, null, { renderer: "svg" });
    charts.set(container.id, chart);
  }
  chart.off("click");
  if (onClick) chart.on("click", onClick);
  chart.setOption({ ...BASE, ...option }, true);
  return chart;
}

export function resizeAll(size) {
  for (const chart of charts.values()) chart.resize(size);
}

// Units ranked by 完成率 (the weekly ranking), target and 参保人数 overlaid, the rate at the bar's end.
export function progressOption(units) {
  const ranked = [...units].reverse(); // the category axis draws bottom-up: the best unit on top
  return {
    grid: { left: 8, right: 90, top: 30, bottom: 20, containLabel: true },
    legend: { data: ["任务数", "参保人数"], top: 0 },
    xAxis: { type: "value", axisLabel: { formatter: (v) => int(v) } },
    yAxis: { type: "category", data: ranked.map((u) => u.unitName), axisTick: { show: false } },
    series: [
      {
        name: "任务数",
        type: "bar",
        barGap: "-100%",
        itemStyle: { color: "#d9dde3" },
        data: ranked.map((u) => ({ value: u.target ?? 0, code: u.unitCode })),
      },
      {
        name: "参保人数",
        type: "bar",
        data: ranked.map((u) => ({ value: u.paid, code: u.unitCode })),
        label: {
          show: true,
          position: "right",
          formatter: (p) => rate(ranked[p.dataIndex].rate),
        },
        markLine: undefined,
      },
    ],
  };
}

// Daily payments (bars) and the running amount (line), last year's beside it, the windows' deadlines.
export function dailyOption(rows, lastYear, windows) {
  const series = [
    { name: "当日缴费笔数", type: "bar", yAxisIndex: 0, data: rows.map((r) => [r.day, r.payments]) },
    {
      name: "累计征收金额（万元）",
      type: "line",
      yAxisIndex: 1,
      showSymbol: false,
      data: rows.map((r) => [r.day, (Number(r.cumulativeAmount) / 10000).toFixed(2)]),
      markLine: {
        symbol: "none",
        label: { formatter: (p) => p.name, position: "end" },
        lineStyle: { color: "#c7000b", type: "dashed" },
        data: windows.map((w) => ({ name: `${shortDay(w.closes)}截止`, xAxis: w.closes })),
      },
    },
  ];
  if (lastYear.length) {
    series.push({
      name: "上年同期累计（万元）",
      type: "line",
      yAxisIndex: 1,
      showSymbol: false,
      lineStyle: { type: "dotted" },
      data: lastYear.map((r) => [shiftYear(r.day, 1), (Number(r.cumulativeAmount) / 10000).toFixed(2)]),
    });
  }
  return {
    grid: { left: 8, right: 8, top: 56, bottom: 20, containLabel: true },
    legend: { top: 0 },
    xAxis: { type: "time", axisLabel: { formatter: "{M}月{d}日", hideOverlap: true } },
    yAxis: [
      { type: "value", name: "笔", axisLabel: { formatter: (v) => int(v) } },
      { type: "value", name: "万元", splitLine: { show: false } },
    ],
    series,
  };
}

export function shiftYear(day, years) {
  const [y, m, d] = day.split("-").map(Number);
  const shifted = m === 2 && d === 29 ? `${y + years}-02-28` : `${y + years}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
  return shifted;
}

// Each hardship group's 参保率 against the 100 % the notices demand.
export function hardshipOption(rows) {
  return {
    grid: { left: 8, right: 20, top: 30, bottom: 20, containLabel: true },
    xAxis: { type: "category", data: rows.map((r) => r.categoryName), axisLabel: { interval: 0, rotate: rows.length > 5 ? 30 : 0 } },
    yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    series: [
      {
        name: "参保率",
        type: "bar",
        data: rows.map((r) => (r.rate === null ? 0 : Number((Number(r.rate) * 100).toFixed(2)))),
        label: { show: true, position: "top", formatter: (p) => rate(rows[p.dataIndex].rate) },
        markLine: {
          symbol: "none",
          lineStyle: { color: "#c7000b" },
          label: { formatter: "目标 100%" },
          data: [{ yAxis: 100 }],
        },
      },
    ],
  };
}

export function unpaidOption(rows) {
  const ranked = [...rows].sort((a, b) => a.unpaidHouseholds - b.unpaidHouseholds);
  return {
    grid: { left: 8, right: 40, top: 30, bottom: 20, containLabel: true },
    legend: { data: ["未缴费户数"], top: 0 },
    xAxis: { type: "value", axisLabel: { formatter: (v) => int(v) } },
    yAxis: { type: "category", data: ranked.map((r) => r.unitName) },
    series: [
      {
        name: "未缴费户数",
        type: "bar",
        itemStyle: { color: "#b26a00" },
        label: { show: true, position: "right", formatter: (p) => int(p.value) },
        data: ranked.map((r) => ({ value: r.unpaidHouseholds, code: r.unitCode })),
      },
    ],
  };
}

export function refundsOption(departments) {
  const names = departments.map((d) => d.name);
  const pick = (key) => departments.map((d) => d[key]);
  return {
    grid: { left: 8, right: 8, top: 40, bottom: 20, containLabel: true },
    legend: { top: 0 },
    xAxis: { type: "category", data: names },
    yAxis: { type: "value", name: "元", axisLabel: { formatter: (v) => int(v) } },
    series: [
      { name: "应退", type: "bar", data: pick("owed"), label: { show: true, position: "top", formatter: (p) => money(p.value) } },
      { name: "已退", type: "bar", data: pick("paid") },
      { name: "待退", type: "bar", data: pick("outstanding") },
    ],
  };
}
