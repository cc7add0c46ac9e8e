export { initBackend, backendInfo, BackendError } from './backend/index';
export type { BackendInfo } from './backend/index';
