/** RFC 9449 §10.1: a pushed authorization request with a DPoP proof binds its code to the proof's key. */
import { ISSUER } from '../support/provider-fixture';
import { approvePushed, authorizationParams, exchangeCode, push } from '../par/support';
import { dpopFixture, dpopKey, proof, thumbprint } from './support';

const PAR = `${ISSUER}/oauth/par`;

describe('DPoP with pushed authorization requests', () => {
  it('a proof sent with the push binds the code: only that key redeems it', async () => {
    const f = await dpopFixture();
    const key = await dpopKey();
    const { params, verifier } = authorizationParams(f.pub);
    const pushed = await push(f, f.pub, params).set('DPoP', await proof(key, { htu: PAR }));
    expect(pushed.status).toBe(201);
    const code = (await approvePushed(f, f.pub, pushed.body.request_uri)).searchParams.get('code')!;
    expect((await exchangeCode(f, f.pub, code, verifier)).body.error).toBe('invalid_grant');
    const right = await exchangeCode(f, f.pub, code, verifier).set('DPoP', await proof(key));
    expect(right.status).toBe(200);
    expect(right.body.token_type).toBe('DPoP');
  });

  it('refuses a push whose proof is bad or whose dpop_jkt names another key, and stores nothing', async () => {
    const f = await dpopFixture();
    const key = await dpopKey();
    const { params } = authorizationParams(f.pub);
    const bad = await push(f, f.pub, params).set('DPoP', await proof(key, { htu: `${ISSUER}/oauth/token` }));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_dpop_proof');
    const other = await push(f, f.pub, { ...params, dpop_jkt: await thumbprint(await dpopKey()) }).set('DPoP', await proof(key, { htu: PAR }));
    expect(other.status).toBe(400);
    expect(other.body).toEqual({ error: 'invalid_request', error_description: expect.stringContaining('dpop_jkt') });
  });
});
