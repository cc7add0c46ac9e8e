export const PACKAGE = '@editlab/metrics';
