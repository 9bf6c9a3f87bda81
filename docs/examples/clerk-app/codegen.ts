// graphql-codegen: types for the five operations in operations/, checked against yibao's committed
// SDL (api/schema.graphql, which `yibao schema export` writes). Run `npm run codegen`.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../../../api/schema.graphql",
  documents: ["operations/*.graphql"],
  ignoreNoDocuments: false,
  generates: {
    "src/generated/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        // Plain strings, not parsed ASTs: a fetch sends them as they are, and the bundle needs no
        // graphql-js at run time.
        documentMode: "string",
        enumsAsTypes: true,
        useTypeImports: true,
        // yibao's scalars travel as JSON strings: money as decimal strings ("320.00"), never floats.
        scalars: {
          Date: "string",
          DateTime: "string",
          Decimal: "string",
          JSON: "unknown",
          Upload: "never",
          _Any: "unknown",
        },
      },
    },
  },
};

export default config;
