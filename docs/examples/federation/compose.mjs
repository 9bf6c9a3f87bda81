// Composes subgraph SDL files with @apollo/composition, as a gateway or rover would, with the
// newest composer and with the oldest yibao must satisfy (2.3). Prints, as JSON per composer,
// the errors (none when it composes) and the supergraph SDL.
//   node compose.mjs yibao=yibao.graphql tax=tax.graphql
import { readFileSync } from "node:fs";
import { parse } from "graphql";
import * as newest from "@apollo/composition";
import * as oldest from "composition-2.3";

const services = process.argv.slice(2).map((argument) => {
  const [name, file] = argument.split("=");
  return { name, url: `http://${name}.invalid/graphql`, typeDefs: parse(readFileSync(file, "utf8")) };
});

const answer = {};
for (const [label, composition] of [["2.14", newest], ["2.3", oldest]]) {
  const result = composition.composeServices(services);
  answer[label] = {
    errors: (result.errors || []).map((error) => error.message),
    supergraph: result.supergraphSdl || null,
  };
}
console.log(JSON.stringify(answer));
