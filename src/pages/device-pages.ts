import { escapeHtml as e } from './escape';
import type { Page } from './types';

/** What the code form needs: where it posts, its hidden fields, what to prefill, who is signed in. */
export interface DeviceCodeForm {
  action: string;
  hiddenFields: Array<[string, string]>;
  prefill: string;
  error: string | null;
  userName: string;
  switchAccountUrl: string;
}

/** Where the user types the code their device shows (RFC 8628 §3.3). */
export function deviceCodePage(form: DeviceCodeForm): Page {
  const hidden = form.hiddenFields.map(([name, value]) => `<input type="hidden" name="${e(name)}" value="${e(value)}">`).join('');
  // The error is tied to the input (aria-describedby) so a screen reader reads it with the field.
  return { kind: 'device-code', title: 'Connect a device', bodyHtml: `<div class="card${form.error ? ' error' : ''}">
<h1>Connect a device</h1>
<p>Enter the code your device shows.</p>
${form.error ? `<p role="alert" id="error"><strong>${e(form.error)}</strong></p>` : ''}
<form method="post" action="${e(form.action)}">${hidden}
<p><label for="user_code">Code</label>
<input type="text" id="user_code" name="user_code" class="code-input" value="${e(form.prefill)}" placeholder="XXXX-XXXX" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="32" required${form.error ? ' aria-describedby="error"' : ''}></p>
<div class="actions"><button type="submit" class="primary">Continue</button></div>
</form>
<p class="muted">Signed in as <strong>${e(form.userName)}</strong>. <a href="${e(form.switchAccountUrl)}">Not you?</a></p></div>` };
}

/** After the answer: nothing to follow, the device picks up its tokens by itself. */
export function deviceResultPage(approved: boolean): Page {
  return approved
    ? { kind: 'device-result', title: 'Device connected', bodyHtml: `<div class="card" role="status" id="device-result">
<h1>You can return to your device</h1>
<p>Your device is now connected. You can close this page.</p></div>` }
    : { kind: 'device-result', title: 'Access denied', bodyHtml: `<div class="card" role="status" id="device-result">
<h1>Access denied</h1>
<p>The device was not given access. You can close this page.</p></div>` };
}

/**
 * The phishing warning of the device consent page (RFC 8628 §5.4: a user can be sent a code by an
 * attacker who started the flow on their own device). The code is the one the user typed.
 */
export function deviceCodeWarning(userCode: string, appName: string): string {
  return `<p class="warning" role="note">Only allow this if you started it yourself, on your own device, and it shows the code <strong class="user-code">${e(userCode)}</strong>. If someone sent you this code, choose Deny: ${e(appName)} would act as you on their device.</p>`;
}
