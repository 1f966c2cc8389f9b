import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Real sockets and child processes: bounded waits inside the tests say
    // what they waited for; this is only the outer guard.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores, and most suites start real clusters whose bounded waits
    // and overload checks need the CPU they were written for: one file at
    // a time (about 4 minutes in all) rather than flakes from contention.
    fileParallelism: false,
    maxWorkers: 1,
    pool: "forks",
  },
});
