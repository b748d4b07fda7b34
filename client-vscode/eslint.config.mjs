// Flat config: typescript-eslint's type-aware strict rules on src/ and test/.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
    { ignores: ['dist/', 'out/', 'node_modules/', '*.vsix'] },
    eslint.configs.recommended,
    ...tseslint.configs.strictTypeChecked,
    {
        languageOptions: {
            parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
        },
        rules: {
            '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
            // node:test awaits the promises describe/test return.
            '@typescript-eslint/no-floating-promises': [
                'error',
                {
                    ignoreVoid: true,
                    allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'test', 'it'] }],
                },
            ],
            eqeqeq: 'error',
        },
    },
    {
        files: ['**/*.mjs'],
        ...tseslint.configs.disableTypeChecked,
    },
);
