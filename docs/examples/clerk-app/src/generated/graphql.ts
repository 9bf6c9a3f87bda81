/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type CategoryFactInput = {
  /** A code from docs/contract/categories.md. */
  code: string;
  grade?: number | null | undefined;
  since?: string | null | undefined;
};

/** What the clerk states about the person beyond the register, each with its evidence (kept and listed by the statedCircumstances report), whom a newborn follows, and the lapsed years repaired now. Birth date, hardship identities and the enrolment history come from the register. */
export type CircumstancesInput = {
  collegeStudent?: boolean;
  /** Required with collegeStudent, e.g. the 学生证. */
  collegeStudentEvidence?: EvidenceInput | null | undefined;
  events?: Array<StatedEventInput>;
  /** A newborn following a guardian (随法定监护人参保). */
  guardian?: GuardianInput | null | undefined;
  /** Deprecated: the same as `guardian: {}` — a member of the newborn's household who has paid for the year, as the register shows; the clerk's word is not taken. */
  guardianEnrolled?: boolean;
  migrantWorker?: boolean;
  /** Required with migrantWorker, e.g. the 居住证 or a work certificate. */
  migrantWorkerEvidence?: EvidenceInput | null | undefined;
  /** Lapsed years paid for now (缴费修复, 国办发〔2024〕38号): each is charged at the year's personal share and shortens the variable waiting period; at most the years the register shows lapsed. */
  repairYears?: number;
};

/** Counts of coverage years before the quoted one; all default to 0. */
export type ContinuityInput = {
  /** Consecutive years enrolled right before the coverage year. */
  continuousYears?: number;
  /** Years not enrolled right before the coverage year, after the last year enrolled (断保年数); 0 when enrolled last year. */
  lapsedYears?: number;
  /** Lapsed years paid for now (缴费修复), at most lapsedYears; each at the year's personal share. */
  repairYears?: number;
  /** Years of the current run of continuous years in which the fund paid nothing (基金零报销). */
  zeroClaimYears?: number;
};

export type EnrolInput = {
  /** How the person means to pay: a channel code the policy names (`policies`). */
  channel?: string | null | undefined;
  /** Life events and the like; birth date and hardship come from the register. */
  circumstances?: CircumstancesInput | null | undefined;
  coverageYear: number;
  /** Chosen by the client per enrolment (at most 64 characters); a retry with the same key returns the first enrolment, and the key reused for another enrolment is refused. */
  idempotencyKey: string;
  /** The enrolment date the amount due is quoted for; default today. */
  on?: string | null | undefined;
  personId: string | number;
  policyId: string;
  /** Where the person is insured; defaults to where they live (the residence region), or the hukou region when only that lies in your region. */
  regionCode?: string | null | undefined;
  tier?: string;
};

/** ENROLLED: registered for the year, nothing stands paid; PAID: a payment stands; TERMINATED: ended (death, moving away, …), its money settled. */
export type EnrolmentStatus =
  | 'ENROLLED'
  | 'PAID'
  | 'TERMINATED';

/** What is wrong with a field. */
export type ErrorCode =
  | 'CONFLICT'
  | 'DUPLICATE'
  | 'ELSEWHERE'
  | 'EMPLOYEE_INSURED'
  | 'FORBIDDEN'
  | 'INVALID'
  | 'MISMATCH'
  | 'NOT_ENROLLED'
  | 'NOT_FOUND'
  | 'REQUIRED';

/** The document that supports a stated circumstance. */
export type EvidenceInput = {
  /** When it was issued; not in the future. */
  issuedOn: string;
  /** Who issued it (出具单位), at most 100 characters. */
  issuer: string;
  /** Its kind, e.g. 刑满释放证明书, 退役证, 居住证, 学生证, 职工医保停保证明 (at most 40 characters). */
  kind: string;
  /** Its number (编号), at most 64 characters. */
  number: string;
};

/** M or F, as digit 17 of the ID number says (odd for men). */
export type Gender =
  | 'F'
  | 'M';

/** Whom a newborn follows (兴义府发〔2022〕3号 三（一） 随法定监护人参保): a registered member of the newborn's household whose payment for the year stands — the register answers — or, only for a guardian insured outside the system, the clerk's statement with its evidence. */
export type GuardianInput = {
  /** Required with outsideSystem: proof of the guardian's insurance for the year. */
  evidence?: EvidenceInput | null | undefined;
  /** The guardian is insured outside yibao (another region, another scheme). */
  outsideSystem?: boolean;
  /** A member of the newborn's household; omitted: any member who has paid. */
  personId?: string | number | null | undefined;
};

export type LifeEventInput = {
  /** RELEASED_FROM_PRISON, MILITARY_DISCHARGE, EMPLOYEE_INSURANCE_LAPSE, HARDSHIP_NEWLY_IDENTIFIED, LEFT_OTHER_SCHEME or GRADUATION. */
  kind: string;
  on: string;
  /** For EMPLOYEE_INSURANCE_LAPSE: months of continuous employee insurance. */
  priorContinuousMonths?: number | null | undefined;
};

/** Pays for every member of a household who owes the year, in one transaction: where the policy makes households pay whole (贵医保组〔2023〕1号 三8), the only way their members pay. */
export type PayHouseholdInput = {
  /** The total handed over; it must equal the sum of each owing member's amount due. */
  amount: string;
  /** A channel code the policy names (`policies { channels }`). */
  channel: string;
  collector?: string | null | undefined;
  coverageYear: number;
  householdId: string | number;
  /** One key for the household's payment; a retry with it records nothing new. */
  idempotencyKey: string;
  paidOn: string;
  /** Where the members' collect-then-refund refunds are to be paid. */
  refundAccount?: PayeeAccountInput | null | undefined;
};

/** Where money owed back is paid: an account number and its kind. */
export type PayeeAccountInput = {
  kind: PayeeAccountKind;
  /** 10 to 30 digits; spaces and hyphens are ignored. */
  number: string;
};

/** ONE_CARD: the 一卡通 of 惠民惠农财政补贴资金; BANK_CARD: a bank card. */
export type PayeeAccountKind =
  | 'BANK_CARD'
  | 'ONE_CARD';

export type PersonFactsInput = {
  /** County or district of residence inside the policy's region. */
  areaCode?: string | null | undefined;
  birthDate: string;
  categories?: Array<CategoryFactInput>;
  collegeStudent?: boolean;
  /** The enrolment history before the coverage year, for the 2025 rules (国办发〔2024〕38号). */
  continuity?: ContinuityInput | null | undefined;
  events?: Array<LifeEventInput>;
  /** A newborn whose legal guardian is already enrolled for the coverage year. */
  guardianEnrolled?: boolean;
  /** Where the household registration (户籍) lies, county or below; grants limited to local hukou (贵医保组〔2023〕1号 三1、三5) need it. Null: not stated, and they do not apply. */
  hukouRegionCode?: string | null | undefined;
  migrantWorker?: boolean;
};

export type QuoteInput = {
  paidOn: string;
  person: PersonFactsInput;
  policyId: string | number;
  /** Omitted means the policy's first tier. */
  tier?: string | null | undefined;
};

/** A life event the clerk states, with its evidence. */
export type StatedEventInput = {
  /** Required: the event opens a route or spares a waiting period. */
  evidence?: EvidenceInput | null | undefined;
  /** RELEASED_FROM_PRISON, MILITARY_DISCHARGE, EMPLOYEE_INSURANCE_LAPSE, HARDSHIP_NEWLY_IDENTIFIED, LEFT_OTHER_SCHEME or GRADUATION. */
  kind: string;
  on: string;
  /** For EMPLOYEE_INSURANCE_LAPSE: months of continuous employee insurance. */
  priorContinuousMonths?: number | null | undefined;
};

export type EnrolMutationVariables = Exact<{
  input: EnrolInput;
}>;


export type EnrolMutation = { enrol:
    | { __typename: 'Enrolment', id: string, coverageYear: number, status: EnrolmentStatus, amountDue: string | null, person: { name: string } }
    | { __typename: 'InputErrors', errors: Array<{ field: string, code: ErrorCode, message: string }> }
   };

export type FindPersonQueryVariables = Exact<{
  idNumber: string;
}>;


export type FindPersonQuery = { persons: { totalCount: number, nodes: Array<{ id: string, name: string, idNumber: string | null, birthDate: string | null, gender: Gender, hukouRegion: { code: string, name: string }, household: { id: string, address: string | null } | null, enrolments: Array<{ coverageYear: number, status: EnrolmentStatus, amountDue: string | null }> }> } };

export type PayHouseholdMutationVariables = Exact<{
  input: PayHouseholdInput;
}>;


export type PayHouseholdMutation = { payHousehold:
    | { __typename: 'HouseholdPayments', payments: Array<{ receiptNumber: string, amount: string, paidOn: string, enrolment: { person: { name: string } } }> }
    | { __typename: 'InputErrors', errors: Array<{ field: string, code: ErrorCode, message: string }> }
   };

export type QuoteQueryVariables = Exact<{
  input: QuoteInput;
}>;


export type QuoteQuery = { quote: { accepted: boolean, rejectionReason: string | null, amountDue: string, personalContribution: string, subsidy: string, explanation: Array<{ rule: string, detail: string, amount: string | null, citation: string | null }> } };

export type UnpaidHouseholdsQueryVariables = Exact<{
  village: string;
  year: number;
  after?: string | null | undefined;
}>;


export type UnpaidHouseholdsQuery = { households: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, address: string | null, head: { name: string } | null, members: Array<{ relation: string | null, person: { id: string, name: string, enrolments: Array<{ coverageYear: number, status: EnrolmentStatus, amountDue: string | null }> } }> }> } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const EnrolDocument = new TypedDocumentString(`
    mutation Enrol($input: EnrolInput!) {
  enrol(input: $input) {
    __typename
    ... on Enrolment {
      id
      coverageYear
      status
      amountDue
      person {
        name
      }
    }
    ... on InputErrors {
      errors {
        field
        code
        message
      }
    }
  }
}
    `) as unknown as TypedDocumentString<EnrolMutation, EnrolMutationVariables>;
export const FindPersonDocument = new TypedDocumentString(`
    query FindPerson($idNumber: String!) {
  persons(search: $idNumber, first: 2) {
    totalCount
    nodes {
      id
      name
      idNumber
      birthDate
      gender
      hukouRegion {
        code
        name
      }
      household {
        id
        address
      }
      enrolments {
        coverageYear
        status
        amountDue
      }
    }
  }
}
    `) as unknown as TypedDocumentString<FindPersonQuery, FindPersonQueryVariables>;
export const PayHouseholdDocument = new TypedDocumentString(`
    mutation PayHousehold($input: PayHouseholdInput!) {
  payHousehold(input: $input) {
    __typename
    ... on HouseholdPayments {
      payments {
        receiptNumber
        amount
        paidOn
        enrolment {
          person {
            name
          }
        }
      }
    }
    ... on InputErrors {
      errors {
        field
        code
        message
      }
    }
  }
}
    `) as unknown as TypedDocumentString<PayHouseholdMutation, PayHouseholdMutationVariables>;
export const QuoteDocument = new TypedDocumentString(`
    query Quote($input: QuoteInput!) {
  quote(input: $input) {
    accepted
    rejectionReason
    amountDue
    personalContribution
    subsidy
    explanation {
      rule
      detail
      amount
      citation
    }
  }
}
    `) as unknown as TypedDocumentString<QuoteQuery, QuoteQueryVariables>;
export const UnpaidHouseholdsDocument = new TypedDocumentString(`
    query UnpaidHouseholds($village: String!, $year: Int!, $after: String) {
  households(
    regionCode: $village
    coverageYear: $year
    paid: false
    first: 50
    after: $after
  ) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      id
      address
      head {
        name
      }
      members {
        relation
        person {
          id
          name
          enrolments {
            coverageYear
            status
            amountDue
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<UnpaidHouseholdsQuery, UnpaidHouseholdsQueryVariables>;