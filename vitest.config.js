import { defineConfig } from "vitest/config";

// Only the front-end unit tests; the Python side has its own tests and a virtualenv
// whose packages may ship test files of their own.
export default defineConfig({
  test: {
    include: ["js/**/*.test.js"],
    environment: "node",
  },
});
