// A local OpenID Connect provider that behaves like ProConnect, for Pilote's tests.
//
// It is panva's `oidc-provider` with its development interactions (a login form that accepts
// any login and password), configured the way ProConnect answers its relying parties. See
// README.md for the environment variables.
//
// Stdout carries exactly one line, `listening http://127.0.0.1:<port>`; everything else
// (oidc-provider's notices included) goes to stderr.

import * as crypto from 'node:crypto';
import * as http from 'node:http';

// --- Logging: keep stdout for the single `listening` line. ---------------------------------

// oidc-provider prints its notices with console.info (stdout); send them to stderr.
console.log = (...args) => console.error(...args);
console.info = (...args) => console.error(...args);

function fail(message) {
  console.error(`oidc test provider: ${message}`);
  process.exit(2);
}

// --- Configuration from the environment. ---------------------------------------------------

function list(value, fallback) {
  const items = (value ?? '').split(',').map((item) => item.trim()).filter(Boolean);
  return items.length ? items : fallback;
}

function integer(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) fail(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  return value;
}

const port = integer('OIDC_PORT', 0);
const clientId = process.env.OIDC_CLIENT_ID || 'pilote';
const clientSecret = process.env.OIDC_CLIENT_SECRET || 'pilote-test-secret-that-is-long-enough-0123456789';
const redirectUris = list(process.env.OIDC_REDIRECT_URIS, ['http://127.0.0.1:8080/auth/callback']);
const postLogoutRedirectUris = list(process.env.OIDC_POST_LOGOUT_REDIRECT_URIS, ['http://127.0.0.1:8080/']);
const tokenEndpointAuthMethod = process.env.OIDC_TOKEN_ENDPOINT_AUTH_METHOD || 'client_secret_basic';
const clockSkewSeconds = integer('OIDC_CLOCK_SKEW_SECONDS', 0);

let configuredAccounts = {};
if (process.env.OIDC_ACCOUNTS && process.env.OIDC_ACCOUNTS.trim() !== '') {
  try {
    configuredAccounts = JSON.parse(process.env.OIDC_ACCOUNTS);
  } catch (error) {
    fail(`OIDC_ACCOUNTS is not valid JSON: ${error.message}`);
  }
  if (configuredAccounts === null || typeof configuredAccounts !== 'object' || Array.isArray(configuredAccounts)) {
    fail('OIDC_ACCOUNTS must be a JSON object keyed by login');
  }
}

// --- Clock skew: shift Date before oidc-provider (and jose) are loaded. --------------------

if (clockSkewSeconds !== 0) {
  const RealDate = Date;
  const skewMs = clockSkewSeconds * 1000;
  class SkewedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) {
        super(RealDate.now() + skewMs);
      } else {
        super(...args);
      }
    }

    static now() {
      return RealDate.now() + skewMs;
    }
  }
  globalThis.Date = SkewedDate;
}

const { default: Provider } = await import('oidc-provider');

// --- Accounts. -----------------------------------------------------------------------------

// The claims ProConnect releases, each under the scope of the same name.
const PROCONNECT_CLAIMS = ['email', 'given_name', 'usual_name', 'siret', 'uid'];

/** Every account seen so far, by `sub` (the account id oidc-provider works with). */
const accountsBySub = new Map();

/** The claims of the agent who signs in as `login`: configured, or derived from the login. */
function accountFor(login) {
  const derived = {
    sub: `sub-${login}`,
    email: `${login}@exemple.gouv.fr`,
    given_name: login,
    usual_name: 'Agent',
    siret: '13002526500013',
    uid: login,
  };
  const configured = Object.hasOwn(configuredAccounts, login) ? configuredAccounts[login] : {};
  const account = { ...derived, ...configured };
  account.sub = String(account.sub);
  accountsBySub.set(account.sub, account);
  return account;
}

for (const login of Object.keys(configuredAccounts)) accountFor(login);

// --- Keys. ---------------------------------------------------------------------------------

// A fresh RS256 signing key per run (ProConnect signs ID tokens and userinfo with RS256).
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = {
  ...privateKey.export({ format: 'jwk' }),
  kid: crypto.randomUUID(),
  use: 'sig',
  alg: 'RS256',
};

// --- The provider. -------------------------------------------------------------------------

const server = http.createServer();
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(port, '127.0.0.1', resolve);
});
const issuer = `http://127.0.0.1:${server.address().port}`;

const MINUTE = 60;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirectUris,
      post_logout_redirect_uris: postLogoutRedirectUris,
      response_types: ['code'],
      grant_types: ['authorization_code'],
      // oidc-provider binds one method per client; ProConnect's relying parties send the
      // secret, and we pick HTTP Basic (override with OIDC_TOKEN_ENDPOINT_AUTH_METHOD).
      token_endpoint_auth_method: tokenEndpointAuthMethod,
      id_token_signed_response_alg: 'RS256',
      userinfo_signed_response_alg: 'RS256',
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },

  // ProConnect's paths, at the root of the issuer.
  routes: {
    authorization: '/authorize',
    token: '/token',
    userinfo: '/userinfo',
    jwks: '/jwks',
    end_session: '/session/end',
  },

  scopes: ['openid', ...PROCONNECT_CLAIMS],
  claims: {
    openid: ['sub'],
    ...Object.fromEntries(PROCONNECT_CLAIMS.map((claim) => [claim, [claim]])),
    acr: null,
    amr: null,
    auth_time: null,
    iss: null,
    sid: null,
  },
  acrValues: ['eidas1'],
  pkce: { required: () => true },

  enabledJWA: {
    idTokenSigningAlgValues: ['RS256'],
    userinfoSigningAlgValues: ['RS256'],
  },

  features: {
    devInteractions: { enabled: true },
    userinfo: { enabled: true },
    // Userinfo answered as a signed JWT (`application/jwt`), as ProConnect does.
    jwtUserinfo: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource,
      postLogoutSuccessSource,
    },
    // Not part of ProConnect.
    dPoP: { enabled: false },
    pushedAuthorizationRequests: { enabled: false },
    resourceIndicators: { enabled: false },
  },

  async findAccount(_ctx, sub) {
    const account = accountsBySub.get(sub);
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { ...account };
      },
    };
  },

  // No consent screen: every sign-in grants what the client asked for.
  async loadExistingGrant(ctx) {
    const { oidc } = ctx;
    const grant = new oidc.provider.Grant({
      clientId: oidc.client.clientId,
      accountId: oidc.session.accountId,
    });
    grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
    const claims = [...oidc.requestParamClaims];
    if (claims.length) grant.addOIDCClaims(claims);
    await grant.save();
    return grant;
  },

  // Short lifetimes, long enough for a test; no refresh tokens.
  ttl: {
    AccessToken: 5 * MINUTE,
    AuthorizationCode: MINUTE,
    IdToken: 5 * MINUTE,
    // The interaction cookies' `expires` is computed on the (skewed) clock: stretch their
    // lifetime by any backward skew so a browser with a right clock still sends them.
    Interaction: 10 * MINUTE + Math.max(0, -clockSkewSeconds),
    Session: 60 * MINUTE,
    Grant: 60 * MINUTE,
  },
  issueRefreshToken: async () => false,

  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page(
      'Erreur',
      `<h1>Erreur</h1>${Object.entries(out)
        .map(([key, value]) => `<p><strong>${escapeHtml(key)}</strong>: ${escapeHtml(value)}</p>`)
        .join('')}`,
    );
  },
});

// The development login form accepts any login as the account id; turn it into the agent's
// `sub`, and record the ProConnect authentication level (`acr`) and method. The session is
// transient (a browser-session cookie), so a skewed clock cannot make its cookie expire early.
const finishInteraction = provider.interactionFinished.bind(provider);
provider.interactionFinished = async (req, res, result, options) => {
  let amended = result;
  if (result?.login) {
    const account = accountFor(String(result.login.accountId));
    amended = {
      ...result,
      login: {
        ...result.login,
        accountId: account.sub,
        acr: 'eidas1',
        amr: ['pwd'],
        remember: false,
      },
    };
  }
  return finishInteraction(req, res, amended, options);
};

// ProConnect refuses authorization requests whose `state` or `nonce` is missing or shorter
// than 32 characters.
provider.use(async (ctx, next) => {
  if (ctx.path === '/authorize' && ctx.method === 'GET') {
    for (const name of ['state', 'nonce']) {
      const value = ctx.query[name];
      if (typeof value !== 'string' || value.length < 32) {
        ctx.status = 400;
        ctx.type = 'html';
        ctx.body = page(
          'Erreur',
          `<h1>Erreur</h1><p><strong>error</strong>: invalid_request</p>`
            + `<p><strong>error_description</strong>: ${name} must be at least 32 characters long</p>`,
        );
        return;
      }
    }
  }
  await next();
});

// RP-initiated logout: one form, submitted by the page itself in a browser (a client without
// JavaScript submits it as is).
async function logoutSource(ctx, form) {
  const withLogout = form.replace('</form>', '<input type="hidden" name="logout" value="yes"/><button type="submit">Se déconnecter</button></form>');
  ctx.body = page(
    'Déconnexion',
    `<h1>Déconnexion</h1>${withLogout}<script>document.forms[0].submit();</script>`,
  );
}

async function postLogoutSuccessSource(ctx) {
  ctx.body = page('Déconnexion', '<h1>Vous êtes déconnecté.</h1>');
}

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`;
}

// --- Serve. --------------------------------------------------------------------------------

server.on('request', provider.callback());
process.stdout.write(`listening ${issuer}\n`);

function shutdown() {
  server.close();
  server.closeAllConnections();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
