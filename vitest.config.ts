import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Real sockets and child processes: bounded waits inside the tests say
    // what they waited for; this is only the outer guard.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: files that start clusters must not all run at once.
    maxWorkers: 2,
    pool: "forks",
  },
});
