// A registries module for CLI tests (`--registries src/testing/fake-plugin.ts`), exactly as a user
// plugs in their own methods.
import { fakeRegistries } from './fakes';

export const registries = fakeRegistries();
