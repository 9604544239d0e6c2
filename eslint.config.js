// ESLint flat config: typescript-eslint's type-aware recommended rules (floating and misused promises, unsafe `any`)
// over api/, sdk/, test/ and scripts/. Formatting is Prettier's job (.prettierrc.json), not ESLint's.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores([
    '**/node_modules/',
    '**/dist/',
    'coverage/',
    '.tap/',
    '.yingcha/',
    'test/artefacts/',
    'test/fixtures/',
    'migrations/',
    'openapi/',
    'sdk/src/schema.d.ts',
    'api/src/catalog/seeds/',
  ]),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          // The root config files and the bin launcher are in no tsconfig's include: they get the base options.
          allowDefaultProject: ['*.js', '*.ts', 'api/bin/*.js'],
          defaultProject: 'tsconfig.base.json',
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // tap queues a subtest when t.test() is called and ends the parent only after it: awaiting it is optional.
          allowForKnownSafePromises: [{ from: 'package', name: 'PromiseWithSubtest', package: '@tapjs/core' }],
        },
      ],
      // A leading underscore marks a binding kept on purpose (an unused parameter, a property split off a rest).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // A literal beside `string` ('all', 'invalid') names the sentinel a function gives or takes, for the reader.
      '@typescript-eslint/no-redundant-type-constituents': 'off',
      // Fastify tells hooks and plugins from callback-style ones by `async`: an async one without await is correct.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['test/**'],
    rules: {
      // Tests read JSON answers as `any` (inject's json(), JSON.parse, the harness's get/post) and assert on them.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
