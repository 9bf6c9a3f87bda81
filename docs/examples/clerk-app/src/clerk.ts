// A village clerk's five operations against yibao, typed by the generated code (src/generated/,
// `npm run codegen`): each function's arguments and answer are exactly what the schema allows.
import {
  EnrolDocument,
  FindPersonDocument,
  PayHouseholdDocument,
  QuoteDocument,
  UnpaidHouseholdsDocument,
  type EnrolInput,
  type EnrolMutation,
  type FindPersonQuery,
  type PayHouseholdInput,
  type PayHouseholdMutation,
  type QuoteInput,
  type QuoteQuery,
  type TypedDocumentString,
  type UnpaidHouseholdsQuery,
} from "./generated/graphql";

/** A top-level GraphQL error: yibao's stable code (`extensions.code`) and its Chinese message. */
export type ApiProblem = { message: string; code: string | null };

/** The request failed as a whole: not signed in, forbidden, a bad argument. */
export class ApiError extends Error {
  constructor(readonly problems: ApiProblem[]) {
    super(problems.map((p) => `${p.code ?? "ERROR"}: ${p.message}`).join("; "));
  }
}

/** A mutation refused its input: one coded, Chinese-worded error per field; nothing was changed. */
export class InputRefused extends Error {
  constructor(readonly errors: { field: string; code: string; message: string }[]) {
    super(errors.map((e) => `${e.field} ${e.code}: ${e.message}`).join("; "));
  }
}

export type Person = FindPersonQuery["persons"]["nodes"][number];
export type UnpaidHousehold = UnpaidHouseholdsQuery["households"]["nodes"][number];
export type Enrolment = Extract<EnrolMutation["enrol"], { __typename: "Enrolment" }>;
export type HouseholdPayments = Extract<
  PayHouseholdMutation["payHousehold"],
  { __typename: "HouseholdPayments" }
>;
export type Quote = QuoteQuery["quote"];

type Answer<R> = {
  data?: R | null;
  errors?: { message: string; extensions?: { code?: string } }[];
};

/** A client for the yibao server at `serverUrl` (its origin, e.g. http://127.0.0.1:8000), signed in
 * with `token`. The server must list this page's origin in YIBAO_CORS_ORIGINS. */
export function clerkClient(serverUrl: string, token: string) {
  const endpoint = `${serverUrl.replace(/\/+$/, "")}/graphql`;

  async function run<R, V>(document: TypedDocumentString<R, V>, variables: V): Promise<R> {
    const response = await fetch(endpoint, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${token}`,
        "Content-Type": "application/json",
        Accept: "application/json",
      },
      body: JSON.stringify({ query: document.toString(), variables }),
    });
    const answer = (await response.json()) as Answer<R>;
    if (answer.errors?.length) {
      throw new ApiError(
        answer.errors.map((e) => ({ message: e.message, code: e.extensions?.code ?? null })),
      );
    }
    if (!answer.data) throw new ApiError([{ message: `HTTP ${response.status}`, code: null }]);
    return answer.data;
  }

  return {
    /** The person with this whole ID number, or null. */
    async findPerson(idNumber: string): Promise<Person | null> {
      const data = await run(FindPersonDocument, { idNumber });
      return data.persons.nodes.find((p) => p.idNumber === idNumber) ?? null;
    },

    /** Every household of the village with a member enrolled for `year` and not yet paid. */
    async unpaidHouseholds(village: string, year: number): Promise<UnpaidHousehold[]> {
      const households: UnpaidHousehold[] = [];
      let after: string | null = null;
      for (;;) {
        const data: UnpaidHouseholdsQuery = await run(UnpaidHouseholdsDocument, { village, year, after });
        households.push(...data.households.nodes);
        if (!data.households.pageInfo.hasNextPage) return households;
        after = data.households.pageInfo.endCursor ?? null;
      }
    },

    async enrol(input: EnrolInput): Promise<Enrolment> {
      const { enrol } = await run(EnrolDocument, { input });
      if (enrol.__typename === "InputErrors") throw new InputRefused(enrol.errors);
      return enrol;
    },

    async payHousehold(input: PayHouseholdInput): Promise<HouseholdPayments> {
      const { payHousehold } = await run(PayHouseholdDocument, { input });
      if (payHousehold.__typename === "InputErrors") throw new InputRefused(payHousehold.errors);
      return payHousehold;
    },

    async quote(input: QuoteInput): Promise<Quote> {
      return (await run(QuoteDocument, { input })).quote;
    },
  };
}

/** What a household still owes for `year`: its members' unpaid enrolments, in fen so no float
 * rounding creeps in, back as the decimal string the API takes ("640.00"). */
export function amountOwed(household: UnpaidHousehold, year: number): string {
  let fen = 0;
  for (const member of household.members) {
    for (const enrolment of member.person.enrolments) {
      if (enrolment.coverageYear === year && enrolment.status === "ENROLLED" && enrolment.amountDue) {
        fen += toFen(enrolment.amountDue);
      }
    }
  }
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
}

function toFen(amount: string): number {
  const [yuan, jiao = ""] = amount.split(".");
  return Number(yuan) * 100 + Number(jiao.padEnd(2, "0").slice(0, 2));
}
