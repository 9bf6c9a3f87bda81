// yibao's own API, as any client calls it: POST /graphql with the bearer token. The token lives in
// sessionStorage (this tab only, gone when it closes), never in a cookie, so no other site can make
// the browser send it (no CSRF); the strict CSP (scripts from this origin only) guards it from XSS.
const KEY = "yibao.dashboard.token";

export const token = {
  get: () => sessionStorage.getItem(KEY),
  set: (value) => sessionStorage.setItem(KEY, value.trim()),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

function headers(extra = {}) {
  const value = token.get();
  return value ? { ...extra, Authorization: `Bearer ${value}` } : extra;
}

export async function gql(query, variables = {}) {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: headers({ "Content-Type": "application/json", Accept: "application/json" }),
    body: JSON.stringify({ query, variables }),
  });
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`服务器返回 ${response.status}`, "HTTP");
  }
  if (body.errors && body.errors.length) {
    const first = body.errors[0];
    throw new ApiError(first.message, first.extensions && first.extensions.code);
  }
  return body.data;
}

const documents = new Map();

// The GraphQL documents are files beside the page, so the benchmark sends exactly what the page does.
export async function documentText(name) {
  if (!documents.has(name)) {
    const response = await fetch(`/dashboard/static/graphql/${name}.graphql`);
    documents.set(name, await response.text());
  }
  return documents.get(name);
}

// A one-time login link's code (yibao token issue --login-url) for a short-lived token.
export async function redeem(code) {
  const response = await fetch("/dashboard/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ code }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || !body.token) {
    throw new ApiError(body.message || "登录链接无效、已使用或已过期", "LOGIN");
  }
  return body.token;
}

function filenameOf(disposition, fallback) {
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition || "");
  return star ? decodeURIComponent(star[1]) : fallback;
}

// Exports need the bearer header, which a plain link cannot send: fetch, then save the blob.
export async function download(path, fallback) {
  const response = await fetch(path, { headers: headers() });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    const message = body.errors && body.errors[0] ? body.errors[0].message : `下载失败（${response.status}）`;
    throw new ApiError(message, "EXPORT");
  }
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filenameOf(response.headers.get("Content-Disposition"), fallback);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
