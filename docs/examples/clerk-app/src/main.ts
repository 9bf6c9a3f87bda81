// The page: a clerk's morning in five operations, run in sequence against the server the address
// names, each answer written into the page. The settings come after `#` so the token never reaches
// the server that serves this page (index.html#api=…&token=…&idNumber=…).
import { amountOwed, clerkClient, type Quote, type UnpaidHousehold } from "./clerk";

const settings = new URLSearchParams(location.hash.slice(1));
const setting = (name: string, fallback?: string): string => {
  const value = settings.get(name) ?? fallback;
  if (value === undefined) throw new Error(`the address names no ${name} (#${name}=…)`);
  return value;
};

function show(id: string, ...lines: string[]): void {
  const section = document.getElementById(id);
  if (!section) throw new Error(`the page has no #${id}`);
  const list = document.createElement("ul");
  for (const line of lines) {
    const item = document.createElement("li");
    item.textContent = line; // textContent, never innerHTML: names come from the register
    list.append(item);
  }
  section.append(list);
}

const household = (h: UnpaidHousehold, year: number): string =>
  `${h.head?.name ?? "（无户主）"}户 ${h.address ?? ""} 待缴 ${amountOwed(h, year)} 元`;

const explanation = (q: Quote): string[] =>
  q.explanation.map((s) => `${s.rule}：${s.detail}${s.amount ? ` ${s.amount}` : ""}${s.citation ? `（${s.citation}）` : ""}`);

async function main(): Promise<void> {
  const api = clerkClient(setting("api"), setting("token"));
  const village = setting("village");
  const year = Number(setting("year"));
  const policyId = setting("policy");
  const on = setting("on");
  const channel = setting("channel", "VILLAGE_CASH");

  // 1. Find a person by ID number.
  const person = await api.findPerson(setting("idNumber"));
  if (!person) throw new Error("无此身份证号码的人员");
  show("person", `${person.name} ${person.idNumber}`, `户籍 ${person.hukouRegion.name}`);

  // 2. The village's unpaid households.
  const unpaid = await api.unpaidHouseholds(village, year);
  show("unpaid", ...unpaid.map((h) => household(h, year)));

  // 3. Enrol the person found, unless already enrolled that year. The key is derived from what is
  //    enrolled, so reloading the page cannot enrol twice.
  const already = person.enrolments.find((e) => e.coverageYear === year);
  const enrolment = already ?? (await api.enrol({
    personId: person.id,
    coverageYear: year,
    policyId,
    idempotencyKey: `clerk-app:enrol:${person.id}:${year}`,
    channel,
    on,
  }));
  show("enrolment", `${person.name} ${year} 年度 ${enrolment.status} 应缴 ${enrolment.amountDue ?? "—"} 元`);

  // 4. Pay the person's household: all its members who owe the year, at what they owe.
  if (!person.household) throw new Error(`${person.name} 不属于任何家庭户`);
  const householdId = person.household.id;
  const owing = (await api.unpaidHouseholds(village, year)).find((h) => h.id === householdId);
  if (!owing) throw new Error("该户没有待缴");
  const paid = await api.payHousehold({
    householdId,
    coverageYear: year,
    amount: amountOwed(owing, year),
    paidOn: on,
    channel,
    idempotencyKey: `clerk-app:pay:${householdId}:${year}`,
  });
  show("payment", ...paid.payments.map((p) => `${p.enrolment.person.name} ${p.amount} 元 票据 ${p.receiptNumber}`));
  const still = await api.unpaidHouseholds(village, year);
  show("unpaid-after", still.length ? `仍有 ${still.length} 户待缴` : "全村已缴清", ...still.map((h) => household(h, year)));

  // 5. A quote for the person, with why.
  if (!person.birthDate) throw new Error("出生日期不可见");
  const quote = await api.quote({
    policyId,
    paidOn: on,
    person: { birthDate: person.birthDate, hukouRegionCode: person.hukouRegion.code },
  });
  show("quote", quote.accepted ? `应缴 ${quote.amountDue} 元` : `不予参保：${quote.rejectionReason}`);
  show("explanation", ...explanation(quote));
}

main().then(
  () => {
    document.body.dataset.ready = "yes";
  },
  (error: unknown) => {
    document.getElementById("status")!.textContent = String(error instanceof Error ? error.message : error);
    document.body.dataset.ready = "error";
  },
);
