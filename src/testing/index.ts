export { runTokenStoreContract } from './token-store-contract';
export type { ContractOptions } from './store-under-test';
export { runClientStoreContract } from './client-store-contract';
export { runKeyStoreContract } from './key-store-contract';
export {
  fakeClientId, fakeGrantSecretHash, fakeUserId, fromNow, makeAccessToken, makeAuthorizationRequest, makeClient, makeCode,
  makeClientGrant, makeDeviceAuthorization, makeDeviceTransaction, makeGrant, makeOpenId, makePersonalGrant, makePushedRequest, makeRefreshToken, makeSigningKey,
} from './fixtures';
