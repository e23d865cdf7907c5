export { memoryClientStore } from './client-store';
export { memoryTokenStore } from './token-store';
export { memoryKeyStore } from './key-store';
