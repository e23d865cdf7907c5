import type { Request, RequestHandler, Response } from 'express';
import { clientOwnerName } from '../consent/owner';
import { consentSubject } from '../consent/build-context';
import { constantTimeEqual, hashSecret, randomId, randomSecret } from '../crypto';
import { sendHtml } from '../answers/page';
import type { PageRenderer } from '../pages/renderer';
import type { ConsentContext } from '../pages/types';
import type { Limits } from '../limits/limits';
import type { SiteUser } from '../options';
import { PLAIN_LOGIN, SWITCH_ACCOUNT } from '../openid/login-request';
import { sessionAuthentication } from '../openid/login-check';
import type { ProviderContext } from '../provider-context';
import { normalizeShortCode } from '../short-code';
import type { ClientRecord, DeviceAuthorizationRecord, DeviceTransactionRecord } from '../storage/records';
import { PageError } from '../answers/browser-error';
import { answerAuthorizeError } from '../answers/browser-error';
import { withdrawnScopes } from './consent-recheck';
import { refuseCrossSite } from './decision';
import { userCodeHash } from './device-authorization';

/**
 * GET and POST /device: where the user types the code their device shows (RFC 8628 §3.3), then
 * answers the consent page for it.
 *
 * Both forms (the code, then Allow/Deny) carry a CSRF token bound to the signed-in user the way the
 * consent transaction of /authorize does: a random token whose hash is kept, with the user, in a
 * short-lived DeviceTransactionRecord that one POST consumes. The store keeps those apart from the
 * consent transactions of /authorize, so neither endpoint finds the other's.
 */
const MAX_FIELD = 64;

export function devicePageEndpoints(options: ProviderContext, limits: Limits, pages: PageRenderer): { show: RequestHandler; submit: RequestHandler } {
  const { tokens, clients } = options.store;

  async function saveTransaction(userId: string, device: DeviceAuthorizationRecord | null): Promise<Array<[string, string]>> {
    // Every page stores a transaction: counted per user, like consent pages.
    await limits.pageShown(userId);
    const id = randomId();
    const csrf = randomSecret();
    const transaction: DeviceTransactionRecord = {
      id, userId, grantId: device?.grantId ?? null, deviceHash: device?.hash ?? null, csrfHash: hashSecret(csrf),
      expiresAt: new Date(Date.now() + options.lifetimes.consent * 1000),
    };
    await tokens.saveDeviceTransaction(transaction);
    return [['transaction_id', id], ['csrf_token', csrf]];
  }

  function returnPath(req: Request, typed: string | null): string {
    return `${req.baseUrl}/device${typed ? `?user_code=${encodeURIComponent(typed)}` : ''}`;
  }

  async function showCodeForm(req: Request, res: Response, status: number, user: SiteUser, prefill: string, error: string | null) {
    sendHtml(res, status, pages.deviceCode(req, {
      action: `${req.baseUrl}/device`, hiddenFields: await saveTransaction(String(user.id), null), prefill, error,
      userName: user.name ?? String(user.id), switchAccountUrl: options.loginUrl(returnPath(req, prefill || null), SWITCH_ACCOUNT),
    }));
  }

  function consentContext(req: Request, client: ClientRecord, device: DeviceAuthorizationRecord, user: SiteUser,
    hiddenFields: Array<[string, string]>, typed: string, ownerName: string | null): ConsentContext {
    return {
      ...consentSubject(options, client, ownerName, { id: String(user.id), name: user.name ?? String(user.id) }, device.scopes),
      // Nothing is redirected: the user stays on this site.
      redirectOrigin: new URL(options.issuer).origin,
      nativeApp: false,
      delivery: 'device',
      // What the user typed, normalised: the page asks them to compare it with their device's screen.
      userCode: `${typed.slice(0, 4)}-${typed.slice(4)}`,
      permanent: false,
      action: `${req.baseUrl}/device`,
      hiddenFields,
      switchAccountUrl: options.loginUrl(returnPath(req, typed), SWITCH_ACCOUNT),
    };
  }

  /** GET /device: the code form, prefilled from `verification_uri_complete`. */
  const show: RequestHandler = async function showDevicePage(req, res) {
    try {
      const raw = req.query.user_code;
      const normalised = typeof raw === 'string' && raw.length <= 32 ? normalizeShortCode(raw) : null;
      const typed = normalised === null ? '' : `${normalised.slice(0, 4)}-${normalised.slice(4)}`;
      const user = await options.currentUser(req);
      if (!user) {
        res.setHeader('Cache-Control', 'no-store');
        res.redirect(302, options.loginUrl(returnPath(req, typed || null), PLAIN_LOGIN));
        return;
      }
      await showCodeForm(req, res, 200, user, typed, null);
    } catch (err) {
      answerAuthorizeError(res, options, pages, err);
    }
  };

  /** POST /device: the typed code (then the consent page), or the answer on that consent page. */
  const submit: RequestHandler = async function submitDevicePage(req, res) {
    try {
      refuseCrossSite(req, options);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const { transaction_id: id, csrf_token: csrf, decision, user_code: typedCode } = body;
      if (typeof id !== 'string' || typeof csrf !== 'string' || id.length > MAX_FIELD || csrf.length > MAX_FIELD) {
        throw new PageError(403, 'Request refused', 'This form is missing its security token. Go back and try again.');
      }
      const user = await options.currentUser(req);
      if (!user) throw new PageError(403, 'Signed out', 'You are no longer signed in. Sign in and enter the code again.');
      const userId = String(user.id);
      const transaction = await tokens.findDeviceTransaction(id);
      if (!transaction) {
        await showCodeForm(req, res, 400, user, '', 'This page has expired. Enter the code again.');
        return;
      }
      // The user's own transaction, proven by its CSRF token, before it is consumed.
      if (transaction.userId !== userId || !constantTimeEqual(hashSecret(csrf), transaction.csrfHash)) {
        throw new PageError(403, 'Request refused', 'This form was not issued to you. Start again on your device.');
      }
      const { grantId, deviceHash } = transaction;
      const answering = grantId !== null && deviceHash !== null;
      if (answering && decision !== 'approve' && decision !== 'deny') throw new PageError(400, 'Invalid answer', 'Choose Allow or Deny.');
      // One submission per form (a double click, K4).
      if (!(await tokens.consumeDeviceTransaction(id))) {
        throw new PageError(400, 'Already answered', 'This form was already sent.');
      }

      if (!answering) {
        const typed = typeof typedCode === 'string' ? typedCode.trim().slice(0, 32) : '';
        const codeHash = userCodeHash(typed);
        const device = codeHash === null ? null : await tokens.findDeviceAuthorization({ userCodeHash: codeHash });
        // Anything but a live, unanswered code is one answer: no hint which codes exist. A 400 counts against the limiter.
        if (!device || device.status !== 'pending') {
          await showCodeForm(req, res, 400, user, typed, 'That code is not valid or has expired. Check the code on your device and try again.');
          return;
        }
        const client = await clients.get(device.clientId);
        if (!client || client.status !== 'approved') {
          await showCodeForm(req, res, 400, user, '', 'The app on this device is not enabled any more.');
          return;
        }
        const hiddenFields = await saveTransaction(userId, device);
        const context = consentContext(req, client, device, user, hiddenFields, normalizeShortCode(typed) ?? '', await clientOwnerName(options, client.ownerId));
        sendHtml(res, 200, pages.consent(req, context));
        return;
      }

      const device = await tokens.findDeviceAuthorization({ grantId, hash: deviceHash });
      if (!device || device.status !== 'pending') {
        throw new PageError(400, 'Code expired', 'This code has expired or was already answered. Start again on your device.');
      }
      const approve = decision === 'approve';
      if (approve) {
        // The app may have been suspended, or lost a scope, while the page was open (J1). The
        // device is then told at its next poll (access_denied) instead of polling until it expires.
        const client = await clients.get(device.clientId);
        const refusal = !client || client.status !== 'approved'
          ? new PageError(400, 'Unknown app', 'This app is not enabled any more.')
          : withdrawnScopes(client, device.scopes).length > 0
            ? new PageError(400, 'Scopes withdrawn', 'This app may no longer ask for all it asked for. Start again on your device.')
            : null;
        if (refusal) {
          await tokens.updateDeviceAuthorization(device.grantId, device.hash, 'pending', { status: 'denied', userId });
          throw refusal;
        }
        // Listed from the approval on, so that the user's or the client's kill switch reaches the
        // device before it polls for its tokens (J2, K3); revoking the grant drops the device too.
        const listed = await tokens.saveGrant({
          id: device.grantId, kind: 'authorization', userId, clientId: device.clientId, scopes: device.scopes, name: null,
          createdAt: new Date(), expiresAt: device.expiresAt,
          // The device's ID token says when this user signed in here, the only sign-in of this flow.
          openid: options.openid && device.scopes.includes('openid') ? sessionAuthentication(user) : null,
          // The device names its resources when it polls for its tokens (RFC 8707 at the token endpoint).
          resources: [],
        });
        if (!listed) throw new PageError(400, 'Code expired', 'This code has expired or was already answered. Start again on your device.');
      }
      if (!(await tokens.updateDeviceAuthorization(device.grantId, device.hash, 'pending', { status: approve ? 'approved' : 'denied', userId }))) {
        throw new PageError(400, 'Code expired', 'This code has expired or was already answered. Start again on your device.');
      }
      options.emit(approve ? 'device.approved' : 'device.denied', { clientId: device.clientId, userId, grantId: device.grantId, scopes: device.scopes });
      sendHtml(res, 200, pages.deviceResult(req, approve));
    } catch (err) {
      answerAuthorizeError(res, options, pages, err);
    }
  };

  return { show, submit };
}
