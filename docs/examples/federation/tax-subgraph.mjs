// The sample tax subgraph of docs/federation.md: tax.graphql, served over HTTP on $PORT.
// Its data comes from $TAX_TICKETS (JSON: [{ticketNumber, receiptNumber, amount, treasuryDate}])
// and $TAXPAYERS (JSON: ID numbers registered as taxpayers).
import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";

const typeDefs = parse(readFileSync(new URL("./tax.graphql", import.meta.url), "utf8"));
const tickets = JSON.parse(process.env.TAX_TICKETS || "[]");
const taxpayers = new Set(JSON.parse(process.env.TAXPAYERS || "[]"));
const WHOLE_ID = /^\d{17}[\dX]$/;

const resolvers = {
  Query: {
    taxTickets: (_, { first }) => ({
      nodes: tickets.slice(0, first),
      pageInfo: { hasNextPage: tickets.length > first, endCursor: null, hasPreviousPage: false, startCursor: null },
    }),
  },
  TaxTicket: {
    __resolveReference: ({ ticketNumber }) => tickets.find((t) => t.ticketNumber === ticketNumber) || null,
    // Only the key: the gateway asks yibao for the rest, with the caller's own token.
    payment: (ticket) => ({ receiptNumber: ticket.receiptNumber }),
  },
  Payment: {
    __resolveReference: ({ receiptNumber }) => ({ receiptNumber }),
    taxTickets: ({ receiptNumber }) => tickets.filter((t) => t.receiptNumber === receiptNumber),
  },
  Person: {
    __resolveReference: ({ idNumber }) => ({ idNumber }),
    taxpayerRegistered: ({ idNumber }) => (WHOLE_ID.test(idNumber || "") ? taxpayers.has(idNumber) : null),
  },
};

const server = new ApolloServer({ schema: buildSubgraphSchema({ typeDefs, resolvers }) });
const { url } = await startStandaloneServer(server, { listen: { port: Number(process.env.PORT || 4001) } });
console.log(`tax subgraph ready at ${url}`);
