/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "mutation Enrol($input: EnrolInput!) {\n  enrol(input: $input) {\n    __typename\n    ... on Enrolment {\n      id\n      coverageYear\n      status\n      amountDue\n      person {\n        name\n      }\n    }\n    ... on InputErrors {\n      errors {\n        field\n        code\n        message\n      }\n    }\n  }\n}": typeof types.EnrolDocument,
    "query FindPerson($idNumber: String!) {\n  persons(search: $idNumber, first: 2) {\n    totalCount\n    nodes {\n      id\n      name\n      idNumber\n      birthDate\n      gender\n      hukouRegion {\n        code\n        name\n      }\n      household {\n        id\n        address\n      }\n      enrolments {\n        coverageYear\n        status\n        amountDue\n      }\n    }\n  }\n}": typeof types.FindPersonDocument,
    "mutation PayHousehold($input: PayHouseholdInput!) {\n  payHousehold(input: $input) {\n    __typename\n    ... on HouseholdPayments {\n      payments {\n        receiptNumber\n        amount\n        paidOn\n        enrolment {\n          person {\n            name\n          }\n        }\n      }\n    }\n    ... on InputErrors {\n      errors {\n        field\n        code\n        message\n      }\n    }\n  }\n}": typeof types.PayHouseholdDocument,
    "query Quote($input: QuoteInput!) {\n  quote(input: $input) {\n    accepted\n    rejectionReason\n    amountDue\n    personalContribution\n    subsidy\n    explanation {\n      rule\n      detail\n      amount\n      citation\n    }\n  }\n}": typeof types.QuoteDocument,
    "query UnpaidHouseholds($village: String!, $year: Int!, $after: String) {\n  households(\n    regionCode: $village\n    coverageYear: $year\n    paid: false\n    first: 50\n    after: $after\n  ) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      address\n      head {\n        name\n      }\n      members {\n        relation\n        person {\n          id\n          name\n          enrolments {\n            coverageYear\n            status\n            amountDue\n          }\n        }\n      }\n    }\n  }\n}": typeof types.UnpaidHouseholdsDocument,
};
const documents: Documents = {
    "mutation Enrol($input: EnrolInput!) {\n  enrol(input: $input) {\n    __typename\n    ... on Enrolment {\n      id\n      coverageYear\n      status\n      amountDue\n      person {\n        name\n      }\n    }\n    ... on InputErrors {\n      errors {\n        field\n        code\n        message\n      }\n    }\n  }\n}": types.EnrolDocument,
    "query FindPerson($idNumber: String!) {\n  persons(search: $idNumber, first: 2) {\n    totalCount\n    nodes {\n      id\n      name\n      idNumber\n      birthDate\n      gender\n      hukouRegion {\n        code\n        name\n      }\n      household {\n        id\n        address\n      }\n      enrolments {\n        coverageYear\n        status\n        amountDue\n      }\n    }\n  }\n}": types.FindPersonDocument,
    "mutation PayHousehold($input: PayHouseholdInput!) {\n  payHousehold(input: $input) {\n    __typename\n    ... on HouseholdPayments {\n      payments {\n        receiptNumber\n        amount\n        paidOn\n        enrolment {\n          person {\n            name\n          }\n        }\n      }\n    }\n    ... on InputErrors {\n      errors {\n        field\n        code\n        message\n      }\n    }\n  }\n}": types.PayHouseholdDocument,
    "query Quote($input: QuoteInput!) {\n  quote(input: $input) {\n    accepted\n    rejectionReason\n    amountDue\n    personalContribution\n    subsidy\n    explanation {\n      rule\n      detail\n      amount\n      citation\n    }\n  }\n}": types.QuoteDocument,
    "query UnpaidHouseholds($village: String!, $year: Int!, $after: String) {\n  households(\n    regionCode: $village\n    coverageYear: $year\n    paid: false\n    first: 50\n    after: $after\n  ) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      address\n      head {\n        name\n      }\n      members {\n        relation\n        person {\n          id\n          name\n          enrolments {\n            coverageYear\n            status\n            amountDue\n          }\n        }\n      }\n    }\n  }\n}": types.UnpaidHouseholdsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation Enrol($input: EnrolInput!) {\n  enrol(input: $input) {\n    __typename\n    ... on Enrolment {\n      id\n      coverageYear\n      status\n      amountDue\n      person {\n        name\n      }\n    }\n    ... on InputErrors {\n      errors {\n        field\n        code\n        message\n      }\n    }\n  }\n}"): typeof import('./graphql').EnrolDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query FindPerson($idNumber: String!) {\n  persons(search: $idNumber, first: 2) {\n    totalCount\n    nodes {\n      id\n      name\n      idNumber\n      birthDate\n      gender\n      hukouRegion {\n        code\n        name\n      }\n      household {\n        id\n        address\n      }\n      enrolments {\n        coverageYear\n        status\n        amountDue\n      }\n    }\n  }\n}"): typeof import('./graphql').FindPersonDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation PayHousehold($input: PayHouseholdInput!) {\n  payHousehold(input: $input) {\n    __typename\n    ... on HouseholdPayments {\n      payments {\n        receiptNumber\n        amount\n        paidOn\n        enrolment {\n          person {\n            name\n          }\n        }\n      }\n    }\n    ... on InputErrors {\n      errors {\n        field\n        code\n        message\n      }\n    }\n  }\n}"): typeof import('./graphql').PayHouseholdDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Quote($input: QuoteInput!) {\n  quote(input: $input) {\n    accepted\n    rejectionReason\n    amountDue\n    personalContribution\n    subsidy\n    explanation {\n      rule\n      detail\n      amount\n      citation\n    }\n  }\n}"): typeof import('./graphql').QuoteDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query UnpaidHouseholds($village: String!, $year: Int!, $after: String) {\n  households(\n    regionCode: $village\n    coverageYear: $year\n    paid: false\n    first: 50\n    after: $after\n  ) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      address\n      head {\n        name\n      }\n      members {\n        relation\n        person {\n          id\n          name\n          enrolments {\n            coverageYear\n            status\n            amountDue\n          }\n        }\n      }\n    }\n  }\n}"): typeof import('./graphql').UnpaidHouseholdsDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
