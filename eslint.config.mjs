import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const appImports = {
  group: ['**/apps/*', '**/apps/**', 'apps/*'],
  message: 'A lib never imports an app.',
};
const deepLibImports = {
  group: ['@csms/*/*', '**/libs/*/src/*', '../../libs/**', '../../../libs/**'],
  message:
    'Import a lib through its alias (@csms/common, @csms/domain, @csms/auth, @csms/queues), not its files.',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-function-type': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['libs/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [appImports, deepLibImports] }] },
  },
  {
    files: ['apps/api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            deepLibImports,
            { group: ['**/ocpp-gateway/**'], message: 'The api never imports the gateway.' },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/ocpp-gateway/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            deepLibImports,
            { group: ['**/apps/api/**', '../../api/**'], message: 'The gateway never imports the api.' },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', '**/*.spec.ts'],
    rules: { 'no-console': 'off' },
  },
);
