import { defineConfig, mergeConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import shared from '../vitest.shared.ts';

const KILL_TEST = 'crash/kill-during-intake.int.test.ts';
/**
 * Files that measure time a user feels: a desktop ringing within a second, agents answering in time,
 * an agent whose gateway died going offline within its documented bound, two gateways' heartbeats
 * and clocks (the chaos run and the gateway files: timing a neighbouring file would starve).
 */
const TIMED = [
  'browser/**/*.test.ts',
  'embedded/**/*.test.ts',
  'asterisk/**/*.test.ts',
  'chaos/**/*.test.ts',
  'gateway/**/*.test.ts',
];

/** The ten-round kill test first, so the other files run beside it rather than after it. */
class KillTestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const first = (file: TestSpecification) => file.moduleId.endsWith(KILL_TEST);
    return [...sorted.filter(first), ...sorted.filter((file) => !first(file))];
  }
}

/**
 * The end-to-end files in two rounds, so CI stays inside its time on two cores:
 * 1. two at a time: the kill test (about nine minutes on the embedded database) and, beside it, the
 *    other files that check what happened, not how fast; sharing the machine only slows them;
 * 2. then the timed files, alone and one at a time.
 */
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      maxWorkers: 2,
      sequence: { sequencer: KillTestFirst },
      projects: [
        {
          extends: true,
          test: {
            name: 'correctness',
            include: ['**/*.test.ts'],
            exclude: [...TIMED, '**/node_modules/**'],
            sequence: { groupOrder: 0 },
          },
        },
        {
          extends: true,
          test: { name: 'timed', include: TIMED, maxWorkers: 1, sequence: { groupOrder: 1 } },
        },
      ],
    },
  }),
);
