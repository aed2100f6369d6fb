// A guard against hangs, not a speed check: e2e tests spawn gateways and run beside the unit suites on a
// 2-core machine, where 5 s (Jest's default) is too tight under CI load.
jest.setTimeout(30_000);
