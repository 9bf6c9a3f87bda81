// Tables built with DOM calls (never innerHTML): names and addresses come from the register.
import { NUMERIC, byKind } from "./format.js";

export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

// columns: [{key, heading, kind, cell?(row) → Node|string}], rows: objects by key.
// rowClass(row) marks a row (total, low); caption names the table for screen readers.
export function table({ caption, columns, rows, rowClass, testid }) {
  const head = element("thead", {}, element("tr", {}, columns.map((c) => element("th", { scope: "col", text: c.heading }))));
  const body = element(
    "tbody",
    {},
    rows.map((row) =>
      element(
        "tr",
        { class: rowClass ? rowClass(row) : undefined },
        columns.map((c) => {
          const content = c.cell ? c.cell(row) : byKind(c.kind, row[c.key]);
          const classes = [NUMERIC.has(c.kind) ? "num" : "", c.kind === "RATE" ? "rate" : ""].join(" ").trim();
          return element("td", { class: classes || undefined, "data-key": c.key }, content);
        }),
      ),
    ),
  );
  return element("table", { "data-testid": testid }, caption ? element("caption", { text: caption }) : null, head, body);
}

export function replace(container, ...nodes) {
  container.replaceChildren(...nodes.filter((n) => n !== null && n !== undefined));
}
