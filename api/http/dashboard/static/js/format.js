// Numbers as the offices write them: thousands separated, money to the fen, rates in percent.
const whole = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 0 });
const yuan = new Intl.NumberFormat("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export const DASH = "—";

export function int(value) {
  return value === null || value === undefined ? DASH : whole.format(Number(value));
}

export function money(value) {
  return value === null || value === undefined ? DASH : yuan.format(Number(value));
}

// A report's RATE is a fraction string ("0.9512"); it reads 95.12%.
export function rate(value) {
  if (value === null || value === undefined || value === "") return DASH;
  return `${(Number(value) * 100).toFixed(2)}%`;
}

export function day(value) {
  if (!value) return DASH;
  const [y, m, d] = value.split("-").map(Number);
  return `${y}年${m}月${d}日`;
}

export function shortDay(value) {
  const [, m, d] = value.split("-").map(Number);
  return `${m}月${d}日`;
}

export function tenThousandYuan(value) {
  return `${(Number(value) / 10000).toFixed(2)}万元`;
}

export function byKind(kind, value) {
  switch (kind) {
    case "INT":
      return int(value);
    case "MONEY":
      return money(value);
    case "RATE":
      return rate(value);
    case "DATE":
      return day(value);
    case "BOOL":
      return value === null || value === undefined ? DASH : value ? "是" : "否";
    default:
      return value === null || value === undefined ? "" : String(value);
  }
}

export const NUMERIC = new Set(["INT", "MONEY", "RATE"]);

export const ROLES = {
  VILLAGE_CLERK: "村（社区）协办员",
  TOWNSHIP_OFFICER: "乡镇（街道）经办",
  COUNTY_ADMIN: "县（区）医保局",
  ROSTER_UPLOADER: "部门名单报送",
  TAX_INTEGRATOR: "税务对接",
  AUDITOR: "审计",
};

export const LEVELS = { province: "省", city: "市", county: "县（区）", township: "乡镇（街道）", village: "村（社区）" };

export const DEPARTMENTS = {
  CIVIL_AFFAIRS: "民政部门",
  FINANCE: "财政部门",
  RURAL_REVITALIZATION: "乡村振兴部门",
  TAX: "税务部门",
  DISABLED_PERSONS_FEDERATION: "残联",
  VETERANS_AFFAIRS: "退役军人事务部门",
  HEALTH: "卫生健康部门",
  MEDICAL_SECURITY: "医疗保障部门",
};
