import type { LoginRequest } from '../options';

/** An ordinary login: no OpenID Connect app asked anything of it. */
export const PLAIN_LOGIN: LoginRequest = Object.freeze({ freshLogin: false, selectAccount: false, loginHint: null, uiLocales: Object.freeze([]) as unknown as string[] });

/** "Not you?": the user wants another account. */
export const SWITCH_ACCOUNT: LoginRequest = Object.freeze({ ...PLAIN_LOGIN, selectAccount: true });
