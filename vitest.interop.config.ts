import { defineConfig } from "vitest/config";

// Interop tests against third-party peers installed from Debian's packages (see .ci/run).
export default defineConfig({
  test: {
    include: ["test/interop/**/*.interop.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
