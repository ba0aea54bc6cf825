import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const scopeConstraints = [
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:webhook-gateway', onlyDependOnLibsWithTags: ['scope:shared', 'scope:webhook-gateway'] },
  { sourceTag: 'scope:test-runner', onlyDependOnLibsWithTags: ['scope:shared', 'scope:test-runner'] },
  { sourceTag: 'scope:deployer', onlyDependOnLibsWithTags: ['scope:shared', 'scope:deployer'] },
  { sourceTag: 'scope:notifier', onlyDependOnLibsWithTags: ['scope:shared', 'scope:notifier'] },
  { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['scope:shared', 'scope:cli'] },
];

/**
 * One lint configuration for the workspace. Module boundaries are enforced on
 * two axes: `type:*` (apps use libs, libs never use apps, tools use libs) and
 * `scope:*` (an app's own code plus shared libs).
 */
export default [
  { ignores: ['**/dist', '**/out-tsc', '**/node_modules', '**/*.d.ts'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          banTransitiveDependencies: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:tool'] },
            ...scopeConstraints,
          ],
        },
      ],
    },
  },
  {
    // Tests may also use the local tools (the control plane, the GitLab
    // stand-in) that stand in for outside systems; production code never does.
    files: ['**/*.test.ts', '**/*.test.tsx', '**/*.testkit.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          banTransitiveDependencies: true,
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:tool'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:tool'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:tool'] },
            ...scopeConstraints,
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
];
