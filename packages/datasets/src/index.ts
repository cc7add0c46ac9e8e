export const PACKAGE = '@editlab/datasets';
