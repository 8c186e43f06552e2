import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed operations from the server's schema files: a schema change that breaks
// an operation of the Studio fails `npm run build`.
const config: CodegenConfig = {
  schema: '../graph/*.graphqls',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**'],
  ignoreNoDocuments: false,
  generates: {
    './src/gql/': {
      preset: 'client',
      config: { documentMode: 'string', useTypeImports: true, enumsAsTypes: true, scalars: { Time: 'string', JSON: 'unknown', Upload: 'File', ID: 'string' } },
      presetConfig: { fragmentMasking: false },
    },
  },
  hooks: {},
};
export default config;
