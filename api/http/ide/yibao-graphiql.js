// Starts GraphiQL against the /graphql endpoint that served the page. A file, not an inline
// script, so the page's Content-Security-Policy allows scripts from this server only.
(function () {
  "use strict";

  var DEFAULT_QUERY = [
    "# yibao 的 GraphQL 接口。除 policies、quote、policyDiff、regions 外，",
    "# 每个查询都需要令牌：在下方“Headers”中填写",
    '#   { "Authorization": "Bearer <令牌>" }',
    "# 令牌由 `yibao token issue --role … --region …` 签发。",
    "# Ctrl-Enter 运行查询。",
    "{",
    "  policies {",
    "    id",
    "    regionName",
    "    coverageYear",
    "  }",
    "}",
    "",
  ].join("\n");

  var url = window.location.href.split(/[?#]/)[0];
  var fetcher = GraphiQL.createFetcher({
    url: url,
    // One JSON answer per request: the schema has no @defer, @stream or subscriptions.
    enableIncrementalDelivery: false,
  });

  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: DEFAULT_QUERY,
      defaultHeaders: '{\n  "Authorization": "Bearer "\n}',
      isHeadersEditorEnabled: true,
      // A token is a credential: it stays in this tab, never in the browser's storage.
      shouldPersistHeaders: false,
      defaultEditorToolsVisibility: "headers",
    }),
  );
})();
