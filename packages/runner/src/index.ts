export const PACKAGE = '@editlab/runner';
