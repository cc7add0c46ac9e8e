// Shared by every package's vitest config. A test worker reports progress to the vitest main process
// over RPC and fails the whole run ("[vitest-worker]: Timeout calling \"onTaskUpdate\"", vitest issues
// #6479 and #8164) when 60 s pass before its event loop gets back to the poll phase. Real-model tests
// compute synchronously or in long promise chains that never leave the microtask queue, so one test
// file's tests together can hold the loop for minutes. Handing the loop one macrotask turn before and
// after every test bounds that stretch to a single test; the tests' numbers are unaffected.
import { afterEach, beforeEach } from 'vitest';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

beforeEach(turn);
afterEach(turn);
