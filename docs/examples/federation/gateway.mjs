// Apollo Gateway in front of yibao and the tax subgraph (docs/federation.md), on $PORT.
//
// - It composes the supergraph itself from both subgraphs' `_service { sdl }`: yibao answers that
//   only with a token, so the gateway sends its own GATEWAY token ($YIBAO_GATEWAY_TOKEN) there.
// - Every query runs with the caller's own token: the gateway forwards the incoming
//   `Authorization` header to each subgraph, and yibao scopes and masks by it.
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource } from "@apollo/gateway";

const gatewayToken = process.env.YIBAO_GATEWAY_TOKEN;

class ForwardAuthorization extends RemoteGraphQLDataSource {
  willSendRequest({ request, context }) {
    if (context?.authorization) {
      request.http.headers.set("authorization", context.authorization);
    }
  }
}

const gateway = new ApolloGateway({
  supergraphSdl: new IntrospectAndCompose({
    subgraphs: [
      { name: "yibao", url: process.env.YIBAO_URL },
      { name: "tax", url: process.env.TAX_URL },
    ],
    // Composition's own requests carry no caller: yibao's `_service` needs the gateway's token.
    introspectionHeaders: ({ name }) => (name === "yibao" ? { authorization: `Bearer ${gatewayToken}` } : {}),
  }),
  buildService: ({ url }) => new ForwardAuthorization({ url }),
});

const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(process.env.PORT || 4000) },
  context: async ({ req }) => ({ authorization: req.headers.authorization }),
});
console.log(`gateway ready at ${url}`);
