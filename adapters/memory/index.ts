export { memoryClientStore } from './client-store';
export { memoryTokenStore } from './token-store';
