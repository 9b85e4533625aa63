import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../vitest.shared.ts';

/**
 * The end-to-end files in two rounds, so CI stays inside its time on two cores:
 * 1. the ten-round kill test, with the other correctness files beside it, one at a time (two
 *    workers in all): they check what happened, not how fast, so sharing the machine only slows them;
 * 2. then, alone and one at a time, the files that measure time the user feels (a desktop ringing
 *    within a second, demo agents answering within their deadline).
 */
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      maxWorkers: 2,
      projects: [
        {
          extends: true,
          test: {
            name: 'kill-test',
            include: ['crash/kill-during-intake.int.test.ts'],
            sequence: { groupOrder: 0 },
          },
        },
        {
          extends: true,
          test: {
            name: 'correctness',
            include: ['**/*.test.ts'],
            exclude: [
              'crash/kill-during-intake.int.test.ts',
              'browser/**',
              'embedded/**',
              'asterisk/**',
              '**/node_modules/**',
            ],
            fileParallelism: false,
            sequence: { groupOrder: 0 },
          },
        },
        {
          extends: true,
          test: {
            name: 'timed',
            include: ['browser/**/*.test.ts', 'embedded/**/*.test.ts', 'asterisk/**/*.test.ts'],
            fileParallelism: false,
            sequence: { groupOrder: 1 },
          },
        },
      ],
    },
  }),
);
